; The SVM world switch. RedoubtSvmRun(vmcbPa, hostStatePa, SvmWorldSwitch* state) saves the
; host's callee-saved registers, its extended state (XSAVE of the switched components, on this
; stack) and VMSAVE state
; (into hostStatePa: a frame of the CPU's own, never the VM_HSAVE_PA page, whose format is the
; CPU's),
; loads the guest's extended state (XRSTOR from the guest's 64-byte aligned area), XCR0 and
; general registers (RAX and RSP live in the VMCB), runs the guest
; with GIF clear, and on #VMEXIT stores the guest's registers, XCR0 and extended state back and
; restores the host's. No guest register value stays in a host register after return: general
; registers are overwritten or zeroed, extended state is reloaded from the host's image.
; Between domains it also switches what the VMCB does not hold (docs/vm-exits.md, "Leftovers
; and speculation"): DR0-DR3 always, SPEC_CTRL and TSC_AUX where the guest's value differs from
; the host's; and right after #VMEXIT, before any RET, it puts Redoubt's SPEC_CTRL back and
; refills the return stack buffer.
; SvmWorldSwitch layout (SvmWorldSwitch.cs): 15 general registers at 0 (rax unused, then rbx
; rcx rdx rsi rdi rbp r8..r15), guest XSAVE area address at 120, guest XCR0 at 128, host XCR0
; at 136, guest and host SPEC_CTRL at 144 and 152, guest and host TSC_AUX at 160 and 168,
; DR0-DR3 at 176, the switched XSAVE components at 208 (every XSAVE and XRSTOR here uses them
; as EDX:EAX: a component left out is neither saved nor loaded, it stays in the registers).
%include "abi.inc"
default rel
bits 64
section .text

%define HOST_XSAVE_SIZE 1024   ; x87+SSE+AVX need 832 bytes; SvmSupport caps XCR0 at those
%define STATE_AREA 120
%define STATE_XCR0 128
%define STATE_HOST_XCR0 136
%define STATE_GUEST_SPEC_CTRL 144
%define STATE_HOST_SPEC_CTRL 152
%define STATE_GUEST_TSC_AUX 160
%define STATE_HOST_TSC_AUX 168
%define STATE_DR0 176
%define STATE_COMPONENTS 208
%define MSR_SPEC_CTRL 0x48
%define MSR_TSC_AUX 0xC0000103

; 32 CALLs, each over an INT3 (a speculation trap), then the stack put back: the return stack
; buffer then holds only these, so no RET in Redoubt is predicted to an address a guest left in
; it (the VMEXIT sequence AMD and Intel recommend, as KVM and Xen do). Unrolled: 33
; instructions, no loop whose end could be mispredicted.
%macro FILL_RETURN_STACK_BUFFER 0
%assign slot 0
%rep 32
    call .rsb_fill_ %+ slot
    int3
.rsb_fill_ %+ slot:
%assign slot slot + 1
%endrep
    add rsp, 32 * 8
%endmacro

; WRMSR of RAX to MSR %1 when RAX differs from [%2] (the value the register holds now). Uses
; ECX and EDX.
%macro WRMSR_IF_CHANGED 3
    cmp rax, [%2]
    je %3
    mov ecx, %1
    mov rdx, rax
    shr rdx, 32
    wrmsr
%3:
%endmacro

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
%endif
    ; Host extended state in a 64-aligned area on this stack; rbp keeps the frame. XRSTOR
    ; needs the XSAVE header's reserved bytes zero, and XSAVE writes only XSTATE_BV.
    mov rbp, rsp
    sub rsp, HOST_XSAVE_SIZE
    and rsp, -64
    xor eax, eax
    mov [rsp + 512], rax
    mov [rsp + 520], rax
    mov [rsp + 528], rax
    mov [rsp + 536], rax
    mov [rsp + 544], rax
    mov [rsp + 552], rax
    mov [rsp + 560], rax
    mov [rsp + 568], rax
    mov r12, rdx            ; the state block
    mov eax, [r12 + STATE_COMPONENTS]
    xor edx, edx
    xsave [rsp]
    ; The guest's extended state is loaded and saved under the host's XCR0, so every switched
    ; component is switched whatever the guest enabled; the guest's XCR0 is set just before
    ; VMRUN (a guest without AVX still has its SSE registers switched).
    mov rcx, [r12 + STATE_AREA]
    xrstor [rcx]
    mov rax, [r12 + STATE_XCR0]
    cmp rax, [r12 + STATE_HOST_XCR0]
    je .guest_xcr0
    mov rdx, rax
    shr rdx, 32
    xor ecx, ecx
    xsetbv
.guest_xcr0:
    ; The guest's SPEC_CTRL and TSC_AUX (where they differ from the host's) and DR0-DR3.
    mov rax, [r12 + STATE_GUEST_SPEC_CTRL]
    WRMSR_IF_CHANGED MSR_SPEC_CTRL, r12 + STATE_HOST_SPEC_CTRL, .guest_spec_ctrl
    mov rax, [r12 + STATE_GUEST_TSC_AUX]
    WRMSR_IF_CHANGED MSR_TSC_AUX, r12 + STATE_HOST_TSC_AUX, .guest_tsc_aux
    mov rax, [r12 + STATE_DR0]
    mov dr0, rax
    mov rax, [r12 + STATE_DR0 + 8]
    mov dr1, rax
    mov rax, [r12 + STATE_DR0 + 16]
    mov dr2, rax
    mov rax, [r12 + STATE_DR0 + 24]
    mov dr3, rax
    push rbp                ; [rsp+24] frame
    push r12                ; [rsp+16] state
    push rsi                ; [rsp+8]  host state area
    push rdi                ; [rsp]    VMCB
    mov rax, rsi
    vmsave                  ; host FS, GS, TR, LDTR, KernelGsBase, STAR/LSTAR/..., SYSENTER_*
    mov rax, r12
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
    ; Redoubt's SPEC_CTRL back (the guest's is intercepted, so the state holds its current
    ; value), the return stack buffer refilled, the guest's DR0-DR3 kept (they stay in the
    ; registers, inert: Redoubt's DR7 enables no breakpoint; the next entry of any guest loads its
    ; own) and the host's TSC_AUX back.
    mov rax, [rbx + STATE_HOST_SPEC_CTRL]
    WRMSR_IF_CHANGED MSR_SPEC_CTRL, rbx + STATE_GUEST_SPEC_CTRL, .host_spec_ctrl
    FILL_RETURN_STACK_BUFFER
    mov rax, dr0
    mov [rbx + STATE_DR0], rax
    mov rax, dr1
    mov [rbx + STATE_DR0 + 8], rax
    mov rax, dr2
    mov [rbx + STATE_DR0 + 16], rax
    mov rax, dr3
    mov [rbx + STATE_DR0 + 24], rax
    mov rax, [rbx + STATE_HOST_TSC_AUX]
    WRMSR_IF_CHANGED MSR_TSC_AUX, rbx + STATE_GUEST_TSC_AUX, .host_tsc_aux
    ; The guest's XCR0 (a guest may change it where XSETBV is not intercepted: it is read back
    ; and kept), the host's put back, then the guest's extended state saved under it.
    xor ecx, ecx
    xgetbv
    shl rdx, 32
    or rax, rdx
    mov [rbx + STATE_XCR0], rax
    cmp rax, [rbx + STATE_HOST_XCR0]
    je .host_xcr0
    mov rax, [rbx + STATE_HOST_XCR0]
    mov rdx, rax
    shr rdx, 32
    xor ecx, ecx
    xsetbv
.host_xcr0:
    mov rcx, [rbx + STATE_AREA]
    mov eax, [rbx + STATE_COMPONENTS]
    xor edx, edx
    xsave [rcx]
    mov rbp, [rsp + 24]     ; the frame: the host area sits just below it, 64-aligned
    lea rcx, [rbp - HOST_XSAVE_SIZE]
    and rcx, -64
    mov eax, [rbx + STATE_COMPONENTS]
    xor edx, edx
    xrstor [rcx]
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
    xor eax, eax
    mov rsp, rbp
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
