namespace Redoubt.Kernel.Paging;

// What a page-table change demands of the TLBs of every CPU that may use the table: adding
// mappings needs nothing; removing, restricting or resizing a present mapping needs a flush
// before the change can be relied on (e.g. before a frame is handed to someone else).
public enum TlbFlush
{
    None,
    Required,
}
