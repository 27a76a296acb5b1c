using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.X64.Boot;

[InlineArray(ImageLayout.MaxSections)]
internal struct ImageSectionArray
{
    private ImageSection _first;
}
