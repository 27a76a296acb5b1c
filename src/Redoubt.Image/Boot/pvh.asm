; PVH entry (QEMU -kernel). The loader enters in 32-bit protected mode, paging off,
; EBX = physical address of the PVH start_info. This stub identity-maps the first 4 GiB with
; 2 MiB pages (temporary: the kernel replaces them with its own W^X tables at once), enters long
; mode with NX and SSE, seeds the stack cookie and calls RedoubtPvhMain(startInfo) on the
; kernel stack.
%include "abi.inc"
bits 32
section .note.Xen note alloc noexec nowrite align=4
    dd 4                    ; name size
    dd 4                    ; descriptor size
    dd 18                   ; XEN_ELFNOTE_PHYS32_ENTRY
    db "Xen", 0
    dd pvh_start32

section .boot exec nowrite align=16
extern redoubt_stack_top, RedoubtPvhMain, RedoubtSeedCookie, RedoubtRuntimeInitialize
global pvh_start32
pvh_start32:
    cli
    cld
    mov esi, ebx
    ; PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages.
    mov edi, boot_pml4
    mov ecx, 6 * 1024
    xor eax, eax
    rep stosd
    mov dword [boot_pml4], boot_pdpt + 3
    mov eax, boot_pd + 3
    mov edi, boot_pdpt
    mov ecx, 4
.pdpt:
    mov [edi], eax
    add eax, 4096
    add edi, 8
    loop .pdpt
    mov edi, boot_pd
    mov eax, 0x83           ; present, writable, 2 MiB
    xor edx, edx
    mov ecx, 2048
.pd:
    mov [edi], eax
    mov [edi + 4], edx
    add eax, 0x200000
    adc edx, 0
    add edi, 8
    loop .pd
    mov eax, cr4
    or eax, (1 << 5) | (1 << 9) | (1 << 10)    ; PAE, OSFXSR, OSXMMEXCPT
    mov cr4, eax
    mov eax, boot_pml4
    mov cr3, eax
    mov ecx, 0xC0000080                         ; EFER
    rdmsr
    or eax, (1 << 8) | (1 << 11)                ; LME, NXE
    wrmsr
    mov eax, cr0
    and eax, ~(1 << 2)                          ; no x87 emulation
    or eax, (1 << 31) | (1 << 16) | (1 << 1) | 1  ; PG, WP, MP, PE
    mov cr0, eax
    lgdt [boot_gdt_pointer]
    jmp 0x08:.long_mode

bits 64
.long_mode:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov rsp, redoubt_stack_top
    xor ebp, ebp
    push rsi
    push rsi
    call RedoubtSeedCookie
    call RedoubtRuntimeInitialize
    pop rdi
    pop rdi
    call RedoubtPvhMain
.stop:
    cli
    hlt
    jmp .stop

section .rodata
align 16
boot_gdt:
    dq 0
    dq 0x00AF9A000000FFFF   ; 0x08: 64-bit code
    dq 0x00CF92000000FFFF   ; 0x10: data
boot_gdt_end:
boot_gdt_pointer:
    dw boot_gdt_end - boot_gdt - 1
    dd boot_gdt

section .bss
alignb 4096
boot_pml4: resb 4096
boot_pdpt: resb 4096
boot_pd:   resb 4 * 4096

; Section boundaries from pvh.ld, for the kernel's page tables: text, rodata, data+bss.
section .text
extern __text_start, __text_end, __rodata_start, __rodata_end, __data_start, __data_end, __image_start
global RedoubtElfLayout
RedoubtElfLayout:          ; (ulong* out6)
    lea rax, [rel __text_start]
    mov [rdi], rax
    lea rax, [rel __text_end]
    mov [rdi + 8], rax
    lea rax, [rel __rodata_start]
    mov [rdi + 16], rax
    lea rax, [rel __rodata_end]
    mov [rdi + 24], rax
    lea rax, [rel __data_start]
    mov [rdi + 32], rax
    lea rax, [rel __data_end]
    mov [rdi + 40], rax
    ret

global RedoubtImageBase
RedoubtImageBase:
    lea rax, [rel __image_start]
    ret
