; Runtime failures from managed code. The compiler calls these (through Redoubt.Corlib's
; ThrowHelpers and RhpThrowEx) at the failing check; the return address on the stack is the
; faulting call site. Each tail-jumps to the kernel's panic entry with
; (kind, rip, exception object or 0). Kinds are RuntimeFailureKind in Redoubt.Kernel.
%include "abi.inc"
default rel
bits 64
section .text
extern RedoubtRuntimeFailure

%macro FAILURE 2
global %1
%1:
    xor ARG2, ARG2
    mov ARG1, [rsp]
    mov ARG0d, %2
    jmp RedoubtRuntimeFailure
%endmacro

FAILURE RedoubtFailIndexOutOfRange, 1
FAILURE RedoubtFailOverflow, 2
FAILURE RedoubtFailInvalidCast, 3
FAILURE RedoubtFailNullReference, 4
FAILURE RedoubtFailDivideByZero, 5
FAILURE RedoubtFailArgumentOutOfRange, 6
FAILURE RedoubtFailArgument, 7
FAILURE RedoubtFailInvalidOperation, 8
FAILURE RedoubtFailNotSupported, 9
FAILURE RedoubtFailInvalidProgram, 10
FAILURE RedoubtFailArrayTypeMismatch, 11
FAILURE RedoubtFailOutOfMemory, 12
FAILURE RedoubtFailTypeLoad, 14
FAILURE RhpFallbackFailFast, 15

; throw: the exception object travels along so the panic can print its message.
global RhpThrowEx
RhpThrowEx:
    mov ARG2, ARG0
    mov ARG1, [rsp]
    mov ARG0d, 13
    jmp RedoubtRuntimeFailure
