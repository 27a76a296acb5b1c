; Instructions the programs need and C# cannot express (System V ABI: arguments in rdi, rsi,
; rdx, rcx). Each routine touches only what its comment says.
%include "testkit.inc"
default rel
bits 64
section .text

global RedoubtGuestOutByte, RedoubtGuestOutDword
RedoubtGuestOutByte:            ; (ushort port, byte value)
    mov eax, esi
    mov edx, edi
    out dx, al
    ret
RedoubtGuestOutDword:           ; (ushort port, uint value)
    mov eax, esi
    mov edx, edi
    out dx, eax
    ret

global RedoubtGuestCpuid
RedoubtGuestCpuid:              ; (uint leaf, uint subleaf, uint* eaxEbxEcxEdx)
    push rbx
    mov r8, rdx
    mov eax, edi
    mov ecx, esi
    cpuid
    mov [r8], eax
    mov [r8 + 4], ebx
    mov [r8 + 8], ecx
    mov [r8 + 12], edx
    pop rbx
    ret

global RedoubtGuestReadMsr, RedoubtGuestWriteMsr
RedoubtGuestReadMsr:            ; (uint msr) -> ulong
    mov ecx, edi
    rdmsr
    shl rdx, 32
    or rax, rdx
    ret
RedoubtGuestWriteMsr:           ; (uint msr, ulong value)
    mov ecx, edi
    mov eax, esi
    mov rdx, rsi
    shr rdx, 32
    wrmsr
    ret

; A load the compiler cannot drop or move: the programs read addresses to see who stops them.
global RedoubtGuestReadDebugRegisters, RedoubtGuestWriteDebugRegisters
RedoubtGuestReadDebugRegisters: ; (ulong* dr0to3): stores DR0-DR3
    mov rax, dr0
    mov [rdi], rax
    mov rax, dr1
    mov [rdi + 8], rax
    mov rax, dr2
    mov [rdi + 16], rax
    mov rax, dr3
    mov [rdi + 24], rax
    ret
RedoubtGuestWriteDebugRegisters: ; (ulong* dr0to3): loads DR0-DR3 (DR7 keeps them disabled)
    mov rax, [rdi]
    mov dr0, rax
    mov rax, [rdi + 8]
    mov dr1, rax
    mov rax, [rdi + 16]
    mov dr2, rax
    mov rax, [rdi + 24]
    mov dr3, rax
    ret

global RedoubtGuestTscAux, RedoubtGuestSpin
RedoubtGuestTscAux:             ; -> ECX of RDTSCP: TSC_AUX as the CPU holds it
    rdtscp
    mov eax, ecx
    ret
RedoubtGuestSpin:               ; (uint spins): PAUSE that many times, no exit
    test edi, edi
    jz .spun
.spin:
    pause
    dec edi
    jnz .spin
.spun:
    ret

global RedoubtGuestReadQword
RedoubtGuestReadQword:          ; (ulong address) -> ulong
    mov rax, [rdi]
    ret

global RedoubtGuestAvxEnabled
extern guest_avx_enabled
RedoubtGuestAvxEnabled:         ; -> 1 if entry.asm enabled AVX (CR4.OSXSAVE, XCR0 = 7), else 0
    movzx eax, byte [guest_avx_enabled]
    ret

global RedoubtGuestImageStart, RedoubtGuestImageEnd
extern __image_start, __image_end
RedoubtGuestImageStart:         ; -> the image's first byte (testkit.ld)
    lea rax, [__image_start]
    ret
RedoubtGuestImageEnd:           ; -> the first byte past the image, .bss included
    lea rax, [__image_end]
    ret

; VMMCALL with every general register but RSP set from before[16] (hardware order: RAX, RCX,
; RDX, RBX, RSP, RBP, RSI, RDI, R8-R15); after[16] receives every register after it, RSP
; included, and before[4] the RSP the call was made with. The registers travel through a static
; block addressed RIP-relative, so no register is needed as a base around the call.
global RedoubtGuestHypercall
RedoubtGuestHypercall:          ; (ulong* before, ulong* after)
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    mov [hypercall_after], rsi
    mov [hypercall_rsp], rsp
    mov [rdi + 4 * 8], rsp
    mov rsi, rdi
    lea rdi, [hypercall_registers]
    mov ecx, 16
    rep movsq
    mov rax, [hypercall_registers + 0 * 8]
    mov rcx, [hypercall_registers + 1 * 8]
    mov rdx, [hypercall_registers + 2 * 8]
    mov rbx, [hypercall_registers + 3 * 8]
    mov rbp, [hypercall_registers + 5 * 8]
    mov rsi, [hypercall_registers + 6 * 8]
    mov rdi, [hypercall_registers + 7 * 8]
    mov r8, [hypercall_registers + 8 * 8]
    mov r9, [hypercall_registers + 9 * 8]
    mov r10, [hypercall_registers + 10 * 8]
    mov r11, [hypercall_registers + 11 * 8]
    mov r12, [hypercall_registers + 12 * 8]
    mov r13, [hypercall_registers + 13 * 8]
    mov r14, [hypercall_registers + 14 * 8]
    mov r15, [hypercall_registers + 15 * 8]
    vmmcall
    mov [hypercall_registers + 0 * 8], rax
    mov [hypercall_registers + 1 * 8], rcx
    mov [hypercall_registers + 2 * 8], rdx
    mov [hypercall_registers + 3 * 8], rbx
    mov [hypercall_registers + 4 * 8], rsp
    mov [hypercall_registers + 5 * 8], rbp
    mov [hypercall_registers + 6 * 8], rsi
    mov [hypercall_registers + 7 * 8], rdi
    mov [hypercall_registers + 8 * 8], r8
    mov [hypercall_registers + 9 * 8], r9
    mov [hypercall_registers + 10 * 8], r10
    mov [hypercall_registers + 11 * 8], r11
    mov [hypercall_registers + 12 * 8], r12
    mov [hypercall_registers + 13 * 8], r13
    mov [hypercall_registers + 14 * 8], r14
    mov [hypercall_registers + 15 * 8], r15
    mov rsp, [hypercall_rsp]
    cld
    mov rdi, [hypercall_after]
    lea rsi, [hypercall_registers]
    mov ecx, 16
    rep movsq
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

; One round of the Vector program, all in one routine so that compiled code cannot touch the
; registers between the load and the check: loads xmm0-15 (ymm0-15 when avx != 0) from
; expected (32 bytes per register), exits twice (OUT to Echo, CPUID leaf 0), spins `spins`
; PAUSEs so that the timer can hand the CPU to another VM, then stores the registers into
; observed in the same layout. Only the low 16 bytes of each slot are used without AVX.
%macro FOR_EACH_VECTOR 1
%assign r 0
%rep 16
    %1 r
%assign r r + 1
%endrep
%endmacro
%macro LOAD_YMM 1
    vmovdqu ymm%1, [r8 + %1 * 32]
%endmacro
%macro LOAD_XMM 1
    movdqu xmm%1, [r8 + %1 * 32]
%endmacro
%macro STORE_YMM 1
    vmovdqu [r9 + %1 * 32], ymm%1
%endmacro
%macro STORE_XMM 1
    movdqu [r9 + %1 * 32], xmm%1
%endmacro

global RedoubtGuestVectorRound
RedoubtGuestVectorRound:        ; (ulong* expected, ulong* observed, uint avx, uint spins)
    push rbx
    mov r8, rdi
    mov r9, rsi
    mov r10d, edx
    mov r11d, ecx
    test r10d, r10d
    jz .load_sse
    FOR_EACH_VECTOR LOAD_YMM
    jmp .loaded
.load_sse:
    FOR_EACH_VECTOR LOAD_XMM
.loaded:
    mov edx, PORT_ECHO
    out dx, al
    xor eax, eax
    xor ecx, ecx
    cpuid
    test r11d, r11d
    jz .spun
.spin:
    pause
    dec r11d
    jnz .spin
.spun:
    test r10d, r10d
    jz .store_sse
    FOR_EACH_VECTOR STORE_YMM
    vzeroupper
    jmp .done
.store_sse:
    FOR_EACH_VECTOR STORE_XMM
.done:
    pop rbx
    ret

; An empty IDT (limit 0), then a breakpoint: #GP, #DF, then a triple fault ends the VM.
global RedoubtGuestTripleFault
RedoubtGuestTripleFault:
    lidt [empty_idt_pointer]
    int3
.stop:
    hlt
    jmp .stop

section .rodata
align 8
empty_idt_pointer:
    dw 0
    dq 0

section .bss
alignb 8
hypercall_registers: resq 16
hypercall_rsp:       resq 1
hypercall_after:     resq 1
