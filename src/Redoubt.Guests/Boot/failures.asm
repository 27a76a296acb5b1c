; Runtime failures of managed code (the corlib's ThrowHelpers, RhpThrowEx, fail-fast). Each
; writes "guest panic: <reason>\n" to the console port byte by byte, then Done =
; 0xF0000000 | kind, and stops. Kinds are the kernel's RuntimeFailureKind numbers. Nothing
; here touches the stack or managed state, which may be what failed.
%include "testkit.inc"
default rel
bits 64

%macro FAILURE 3                        ; symbol, kind, reason
section .rodata
%%reason: db "guest panic: ", %3, 10, 0
section .text
global %1
%1:
    lea rsi, [%%reason]
    mov edi, DONE_PANIC | %2
    jmp guest_panic
%endmacro

FAILURE RedoubtFailIndexOutOfRange, 1, "index out of range"
FAILURE RedoubtFailOverflow, 2, "arithmetic overflow"
FAILURE RedoubtFailInvalidCast, 3, "invalid cast"
FAILURE RedoubtFailNullReference, 4, "null dereference"
FAILURE RedoubtFailDivideByZero, 5, "divide by zero"
FAILURE RedoubtFailArgumentOutOfRange, 6, "argument out of range"
FAILURE RedoubtFailArgument, 7, "invalid argument"
FAILURE RedoubtFailInvalidOperation, 8, "invalid operation"
FAILURE RedoubtFailNotSupported, 9, "operation not supported"
FAILURE RedoubtFailInvalidProgram, 10, "invalid program (compiler tables not understood)"
FAILURE RedoubtFailArrayTypeMismatch, 11, "array type mismatch"
FAILURE RedoubtFailOutOfMemory, 12, "out of memory (guest arena exhausted)"
FAILURE RhpThrowEx, 13, "exception thrown"
FAILURE RedoubtFailTypeLoad, 14, "type load failure"
FAILURE RhpFallbackFailFast, 15, "fail-fast (stack cookie or runtime check)"

section .text
; rsi = NUL-terminated text, edi = Done value.
guest_panic:
    cli
    mov edx, PORT_CONSOLE
.next:
    mov al, [rsi]
    test al, al
    jz .done
    out dx, al
    inc rsi
    jmp .next
.done:
    mov eax, edi
    mov edx, PORT_DONE
    out dx, eax
.stop:
    hlt
    jmp .stop
