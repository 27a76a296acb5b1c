; Exception entry: every vector pushes the same TrapFrame (see TrapFrame.cs) and calls the
; kernel's RedoubtTrap(TrapFrame*). Vectors without a CPU error code push 0 to keep one layout.
%include "abi.inc"
default rel
bits 64
section .text
extern RedoubtTrap

%macro VECTOR_NOERR 1
vector_%1:
    push 0
    push %1
    jmp trap_common
%endmacro
%macro VECTOR_ERR 1
vector_%1:
    push %1
    jmp trap_common
%endmacro

VECTOR_NOERR 0
VECTOR_NOERR 1
VECTOR_NOERR 2
VECTOR_NOERR 3
VECTOR_NOERR 4
VECTOR_NOERR 5
VECTOR_NOERR 6
VECTOR_NOERR 7
VECTOR_ERR 8
VECTOR_NOERR 9
VECTOR_ERR 10
VECTOR_ERR 11
VECTOR_ERR 12
VECTOR_ERR 13
VECTOR_ERR 14
VECTOR_NOERR 15
VECTOR_NOERR 16
VECTOR_ERR 17
VECTOR_NOERR 18
VECTOR_NOERR 19
VECTOR_NOERR 20
VECTOR_ERR 21
%assign v 22
%rep 10
VECTOR_NOERR v
%assign v v+1
%endrep

VECTOR_NOERR 32
VECTOR_NOERR 255

trap_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    cld
    mov ARG0, rsp
    mov rbx, rsp
    and rsp, -16
    sub rsp, SHADOW
    call RedoubtTrap
    mov rsp, rbx
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16
    iretq

; The local APIC timer (32) and the APIC's spurious vector (255).
global RedoubtTimerVector, RedoubtSpuriousVector
RedoubtTimerVector:
    lea rax, [vector_32]
    ret
RedoubtSpuriousVector:
    lea rax, [vector_255]
    ret

; Entry addresses of vectors 0-31, for the IDT.
global RedoubtTrapVectors
RedoubtTrapVectors:
    lea rax, [trap_vector_table]
    ret

section RODATA
align 8
trap_vector_table:
%assign v 0
%rep 32
    dq vector_ %+ v
%assign v v+1
%endrep
