; The kit's entry. The launcher enters guest_entry32 in 32-bit protected mode with flat
; segments, paging and interrupts off, EDI = TestProgram, ESI = RAM bytes, EDX = argument, and
; nothing else defined (no stack). This stub loads its own GDT, turns on long mode over static
; identity page tables, SSE (and AVX when the CPU offers it), installs an IDT that reports
; exceptions on the test ports, runs the corlib's start-up and calls
; RedoubtGuestMain(program, ramBytes, argument); what that returns is written to Done.
%include "testkit.inc"
%define STUB_SIZE 16                    ; bytes per exception stub (install_idt relies on it)
bits 32
section .entry exec nowrite align=16
extern __bss_start, __bss_end, RedoubtRuntimeInitialize, RedoubtGuestMain
global guest_entry32
guest_entry32:
    cli
    cld
    ; Kept in .data: .bss is cleared next, and the upper halves of registers are undefined
    ; after the switch to 64-bit mode.
    mov [entry_program], edi
    mov [entry_ram_bytes], esi
    mov [entry_argument], edx
    ; .bss holds the stack, the arena and the compiled code's statics, which start as zero;
    ; the loader is not trusted to have cleared it.
    mov edi, __bss_start
    mov ecx, __bss_end
    sub ecx, edi
    shr ecx, 2
    xor eax, eax
    rep stosd
    lgdt [gdt_pointer]
    mov ax, DATA_SELECTOR
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov eax, cr4
    or eax, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT
    mov cr4, eax
    mov eax, pml4
    mov cr3, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME
    wrmsr
    mov eax, cr0
    and eax, ~(CR0_EM | CR0_TS)                 ; SSE without traps: the compiled code uses it
    or eax, CR0_PG | CR0_MP | CR0_PE
    mov cr0, eax
    jmp CODE_SELECTOR:long_mode

bits 64
long_mode:
    mov ax, DATA_SELECTOR
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    lea rsp, [rel guest_stack_top]
    xor ebp, ebp
    call enable_avx
    call install_idt
    call RedoubtRuntimeInitialize
    mov edi, [rel entry_program]
    mov esi, [rel entry_ram_bytes]
    mov edx, [rel entry_argument]
    call RedoubtGuestMain
    mov edx, PORT_DONE
    out dx, eax
.stop:
    cli
    hlt
    jmp .stop

; AVX needs CPUID.1:ECX.XSAVE and .AVX, and XCR0 must accept x87|SSE|AVX (CPUID.0Dh:EAX).
enable_avx:
    push rbx
    mov eax, 1
    cpuid
    and ecx, (1 << 26) | (1 << 28)
    cmp ecx, (1 << 26) | (1 << 28)
    jne .done
    mov eax, 0x0D
    xor ecx, ecx
    cpuid
    and eax, 7
    cmp eax, 7
    jne .done
    mov rax, cr4
    or rax, CR4_OSXSAVE
    mov cr4, rax
    xor ecx, ecx
    xor edx, edx
    mov eax, 7
    xsetbv
    mov byte [rel guest_avx_enabled], 1
.done:
    pop rbx
    ret

; Gates cannot be assembled (the handler address is split across fields), so they are filled
; here: vector v's stub is at exception_stubs + v * STUB_SIZE.
install_idt:
    lea rdi, [rel idt]
    lea rsi, [rel exception_stubs]
    xor ecx, ecx
.next:
    mov rax, rsi
    mov [rdi], ax                       ; offset 15:0
    mov word [rdi + 2], CODE_SELECTOR
    mov word [rdi + 4], 0x8E00          ; present, DPL 0, 64-bit interrupt gate, no IST
    shr rax, 16
    mov [rdi + 6], ax                   ; offset 31:16
    shr rax, 16
    mov [rdi + 8], eax                  ; offset 63:32
    mov dword [rdi + 12], 0
    add rdi, 16
    add rsi, STUB_SIZE
    inc ecx
    cmp ecx, 32
    jb .next
    lidt [rel idt_pointer]
    ret

; Vectors 0-31. The ones without a CPU error code push 0, so the frame is always
; [vector, error code, RIP, CS, RFLAGS, RSP, SS].
%macro EXCEPTION_STUB 2                 ; vector, 1 if the CPU pushes an error code
%%start:
%if %2 == 0
    push 0
%endif
    push %1
    jmp exception_common
    times STUB_SIZE - ($ - %%start) int3
%endmacro

align 16
exception_stubs:
%assign vector 0
%rep 32
%if vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30
    EXCEPTION_STUB vector, 1
%else
    EXCEPTION_STUB vector, 0
%endif
%assign vector vector + 1
%endrep

; Exception (vector), Value (RIP, low 32 bits), Done (0xE0000000 | vector), then stop.
exception_common:
    mov eax, [rsp]
    mov edx, PORT_EXCEPTION
    out dx, eax
    mov eax, [rsp + 16]
    mov edx, PORT_VALUE
    out dx, eax
    mov eax, [rsp]
    or eax, DONE_EXCEPTION
    mov edx, PORT_DONE
    out dx, eax
.stop:
    cli
    hlt
    jmp .stop

section .rodata
align 16
gdt:
    dq 0
    dq 0x00AF9B000000FFFF               ; 0x08: 64-bit code (accessed: the CPU never writes the GDT, which is read-only)
    dq 0x00CF93000000FFFF               ; 0x10: flat data (accessed)
gdt_end:
gdt_pointer:                            ; the 32-bit form: LGDT runs before long mode
    dw gdt_end - gdt - 1
    dd gdt
align 8
idt_pointer:
    dw 32 * 16 - 1
    dq idt

section .data
global guest_avx_enabled
entry_program:     dd 0
entry_ram_bytes:   dd 0
entry_argument:    dd 0
guest_avx_enabled: db 0

; Identity map of the first 4 GiB (all a 32-bit RAM size can reach) with 2 MiB pages, present
; and writable, write-back. Static, since the image is linked at a fixed address.
section .data
align 4096
global pml4, page_directories
pml4:
    dq pdpt + 3
    times 511 dq 0
pdpt:
    dq page_directories + 0 * 4096 + 3
    dq page_directories + 1 * 4096 + 3
    dq page_directories + 2 * 4096 + 3
    dq page_directories + 3 * 4096 + 3
    times 508 dq 0
page_directories:
%assign page 0
%rep 4 * 512
    dq (page << 21) | 0x83              ; present, writable, 2 MiB
%assign page page + 1
%endrep

; The IDT, then the arena of the corlib's allocator, then the stack, so that a stack overflow
; runs into the (rarely used) top of the arena rather than into the tables.
section .bss
global guest_heap, guest_heap_end, guest_stack_top
alignb 16
idt:            resb 32 * 16
alignb 4096
guest_heap:     resb 64 * 1024
guest_heap_end:
guest_stack:    resb 64 * 1024
guest_stack_top:
