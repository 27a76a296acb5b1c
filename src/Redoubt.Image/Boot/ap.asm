; Start-up of the secondary CPUs. SecondaryCpus (C#) copies the blob between RedoubtApBlobStart
; and RedoubtApBlobEnd to a page below 1 MiB that Redoubt keeps, fills in its data fields, maps
; the page read+execute in the kernel's address space, and sends INIT and STARTUP to one CPU at
; a time. The CPU starts in real mode at the page (CS = page >> 4, IP = 0), loads the blob's GDT,
; turns on PAE, long mode, NX and paging with the kernel's own page tables, and far-jumps
; straight into 64-bit code in the same page, which takes its stack, CPU index and C# entry
; point from the mailbox (written by the boot CPU for each CPU in turn) and calls the entry.
%include "abi.inc"
default rel

%define AP_DATA_CR3      8
%define AP_DATA_MAILBOX  16
%define AP_DATA_GDTR     56
%define AP_DATA_JUMP     72
; The mailbox (ApMailbox): stack top, CPU index, entry point.
%define MAILBOX_STACK    0
%define MAILBOX_INDEX    8
%define MAILBOX_ENTRY    16

section .text
global RedoubtApBlobStart, RedoubtApBlobEnd
RedoubtApBlobStart:        ; -> the blob's address in the image
    lea rax, [ap_blob]
    ret
RedoubtApBlobEnd:
    lea rax, [ap_blob_end]
    ret

section RODATA
align 4096
ap_blob:
bits 16
    jmp short ap_real_mode
    align 8, db 0
    ; Data fields, at fixed offsets; C# (SecondaryCpus) writes them in the copy.
    dq 0                                ; 8: CR3, the kernel's PML4 (below 4 GiB)
    dq 0                                ; 16: the mailbox's address
    dq 0                                ; 24: null descriptor
    dq 0x00AF9B000000FFFF               ; 32 (selector 08h): 64-bit code, accessed (the page is read-only)
    dq 0x00CF93000000FFFF               ; 40 (selector 10h): data, accessed
    dq 0                                ; 48: unused
    dw 23                               ; 56: GDTR limit (three descriptors, from offset 24)
    dd 0                                ; 58: GDTR base = page + 24
    dw 0, 0, 0, 0                       ; 62-69: unused
    dw 0                                ; 70: padding
    dd 0                                ; 72: far jump offset = page + ap_long_mode
    dw 0x08                             ; 76: far jump selector
ap_real_mode:
    cli
    cld
    mov ax, cs
    mov ds, ax
    o32 lgdt [AP_DATA_GDTR]
    mov eax, cr4
    or eax, (1 << 5) | (1 << 9) | (1 << 10)     ; PAE, OSFXSR, OSXMMEXCPT
    mov cr4, eax
    mov eax, [AP_DATA_CR3]
    mov cr3, eax
    mov ecx, 0xC0000080                         ; EFER
    rdmsr
    or eax, (1 << 8) | (1 << 11)                ; LME, NXE
    wrmsr
    mov eax, cr0
    and eax, ~((1 << 30) | (1 << 29) | (1 << 2)) ; caches on (CD, NW off), no x87 emulation
    or eax, (1 << 31) | (1 << 16) | (1 << 1) | 1 ; PG, WP, MP, PE
    mov cr0, eax
    jmp dword far [AP_DATA_JUMP]
bits 64
ap_long_mode:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov rbx, [rel ap_blob + AP_DATA_MAILBOX]
    mov rsp, [rbx + MAILBOX_STACK]
    xor ebp, ebp
    mov ARG0, [rbx + MAILBOX_INDEX]
    mov rax, [rbx + MAILBOX_ENTRY]
    sub rsp, SHADOW
    call rax
.stop:
    cli
    hlt
    jmp .stop
global RedoubtApLongModeOffset
ap_blob_end:

section .text
RedoubtApLongModeOffset:   ; -> the offset of the 64-bit landing in the blob
    mov eax, ap_long_mode - ap_blob
    ret

; Atomic compare-and-exchange of a 32-bit value; returns the value found.
global RedoubtCompareExchange32, RedoubtPause
RedoubtCompareExchange32:  ; (int* location, int value, int comparand) -> int
    mov rax, ARG2
    lock cmpxchg [ARG0], ARG1d
    ret
RedoubtPause:
    pause
    ret
