; The SVM world switch. RedoubtSvmRun(vmcbPa, hostSavePa, GuestRegisters* regs, guestFpu) saves
; the host's callee-saved registers, x87/SSE state (FXSAVE, on this stack) and VMSAVE state,
; loads the guest's x87/SSE state (FXRSTOR from guestFpu, 512 bytes, 16-aligned) and general
; registers (RAX and RSP live in the VMCB), runs the guest with GIF clear, and on #VMEXIT stores
; the guest's registers and x87/SSE state back and restores the host's. No guest register value
; stays in a host register after return. (AVX state is not switched yet: see CAVEATS.)
; GuestRegisters layout (SvmGuestRegisters.cs): rax(unused) rbx rcx rdx rsi rdi rbp r8..r15.
%include "abi.inc"
default rel
bits 64
section .text
global RedoubtSvmRun
RedoubtSvmRun:
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
%ifdef WIN64
    push rdi
    push rsi
    mov rdi, rcx
    mov rsi, rdx
    mov rdx, r8
    mov rcx, r9
%endif
    ; Host x87/SSE state in a 16-aligned 512-byte area on this stack; rbp keeps the frame.
    mov rbp, rsp
    sub rsp, 512
    and rsp, -16
    fxsave [rsp]
    push rbp                ; [rsp+32] frame
    push rcx                ; [rsp+24] guest FPU area
    fxrstor [rcx]
    push rdx                ; [rsp+16] regs
    push rsi                ; [rsp+8]  host save area
    push rdi                ; [rsp]    VMCB
    mov rax, rsi
    vmsave                  ; host FS, GS, TR, LDTR, KernelGsBase, STAR/LSTAR/..., SYSENTER_*
    mov rax, [rsp + 16]
    mov rbx, [rax + 8]
    mov rcx, [rax + 16]
    mov rdx, [rax + 24]
    mov rsi, [rax + 32]
    mov rdi, [rax + 40]
    mov rbp, [rax + 48]
    mov r8,  [rax + 56]
    mov r9,  [rax + 64]
    mov r10, [rax + 72]
    mov r11, [rax + 80]
    mov r12, [rax + 88]
    mov r13, [rax + 96]
    mov r14, [rax + 104]
    mov r15, [rax + 112]
    mov rax, [rsp]
    clgi
    sti                     ; host IF=1 with GIF=0: a physical interrupt exits the guest
    vmload                  ; (V_INTR_MASKING) and stays pending until the kernel takes it
    vmrun
    vmsave                  ; RAX is the host's again: the VMCB address
    push rbx                ; guest rbx; the slots above move by 8
    mov rbx, [rsp + 24]
    mov [rbx + 16], rcx
    mov [rbx + 24], rdx
    mov [rbx + 32], rsi
    mov [rbx + 40], rdi
    mov [rbx + 48], rbp
    mov [rbx + 56], r8
    mov [rbx + 64], r9
    mov [rbx + 72], r10
    mov [rbx + 80], r11
    mov [rbx + 88], r12
    mov [rbx + 96], r13
    mov [rbx + 104], r14
    mov [rbx + 112], r15
    pop rcx
    mov [rbx + 8], rcx
    mov rcx, [rsp + 24]
    fxsave [rcx]            ; the guest's x87/SSE state, then the host's again
    fxrstor [rsp + 40]
    ; Scrub what the guest left in volatile registers before C# sees them.
    xor ecx, ecx
    xor edx, edx
    xor r8d, r8d
    xor r9d, r9d
    xor r10d, r10d
    xor r11d, r11d
    xor esi, esi
    xor edi, edi
    mov rax, [rsp + 8]
    vmload
    cli
    stgi
    mov rsp, [rsp + 32]
%ifdef WIN64
    pop rsi
    pop rdi
%endif
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret
