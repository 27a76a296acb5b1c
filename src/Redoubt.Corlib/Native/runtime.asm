; Runtime entry points the compiler's code calls with special register contracts, which C#
; cannot express: interface dispatch, stack probing, by-reference copies of references.
%include "abi.inc"
default rel
bits 64
section .text
extern RedoubtResolveInterfaceDispatch

; Interface call: r11 = dispatch cell, arguments live in registers. Saves every argument
; register, resolves (object, cell) -> code in Redoubt.Corlib, restores and jumps there.
global RhpInitialDynamicInterfaceDispatch
RhpInitialDynamicInterfaceDispatch:
    push rbp
    mov rbp, rsp
%ifdef WIN64
    push rcx
    push rdx
    push r8
    push r9
    sub rsp, 64 + 32
    movdqu [rsp + 32], xmm0
    movdqu [rsp + 48], xmm1
    movdqu [rsp + 64], xmm2
    movdqu [rsp + 80], xmm3
    mov rdx, r11
    call RedoubtResolveInterfaceDispatch
    movdqu xmm0, [rsp + 32]
    movdqu xmm1, [rsp + 48]
    movdqu xmm2, [rsp + 64]
    movdqu xmm3, [rsp + 80]
    add rsp, 64 + 32
    pop r9
    pop r8
    pop rdx
    pop rcx
%else
    push rdi
    push rsi
    push rdx
    push rcx
    push r8
    push r9
    sub rsp, 128
    movdqu [rsp], xmm0
    movdqu [rsp + 16], xmm1
    movdqu [rsp + 32], xmm2
    movdqu [rsp + 48], xmm3
    movdqu [rsp + 64], xmm4
    movdqu [rsp + 80], xmm5
    movdqu [rsp + 96], xmm6
    movdqu [rsp + 112], xmm7
    mov rsi, r11
    call RedoubtResolveInterfaceDispatch
    movdqu xmm0, [rsp]
    movdqu xmm1, [rsp + 16]
    movdqu xmm2, [rsp + 32]
    movdqu xmm3, [rsp + 48]
    movdqu xmm4, [rsp + 64]
    movdqu xmm5, [rsp + 80]
    movdqu xmm6, [rsp + 96]
    movdqu xmm7, [rsp + 112]
    add rsp, 128
    pop r9
    pop r8
    pop rcx
    pop rdx
    pop rsi
    pop rdi
%endif
    pop rbp
    jmp rax

; Large frames: r11 = lowest address of the new frame. Touches every page from rsp down to r11
; in order, so an overflow hits the guard page instead of skipping over it. Preserves r11.
global RhpStackProbe
RhpStackProbe:
    mov rax, rsp
    and rax, -4096
.next:
    sub rax, 4096
    cmp rax, r11
    jb .last
    test [rax], eax
    jmp .next
.last:
    test [r11], eax
    ret

; Copies one reference *rsi -> *rdi and advances both (both ABIs use rdi/rsi here).
global RhpByRefAssignRef
RhpByRefAssignRef:
    mov rcx, [rsi]
    mov [rdi], rcx
    add rdi, 8
    add rsi, 8
    ret

; The compiler's module table: one pointer per object file to its ReadyToRun header.
global RedoubtModulesStart, RedoubtModulesEnd
%ifdef WIN64
section .modules$A rdata align=8
modules_start:
section .modules$Z rdata align=8
modules_end:
section .text
RedoubtModulesStart:
    lea rax, [modules_start]
    ret
RedoubtModulesEnd:
    lea rax, [modules_end]
    ret
%else
extern __modules_start, __modules_end
RedoubtModulesStart:
    lea rax, [__modules_start]
    ret
RedoubtModulesEnd:
    lea rax, [__modules_end]
    ret
%endif
