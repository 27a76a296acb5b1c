; Ring 3 for the UserHypercall program: a GDT with user segments and a TSS (the kit's own GDT is
; read-only, and LTR writes the TSS descriptor's busy bit), every page of the identity map made
; user-accessible, then IRETQ to ring 3 (IOPL 3, so the user code may report on the test
; ports) and VMMCALL there. The hypervisor must refuse it with #UD: the kit's exception report
; (Exception 6, Value = the VMMCALL's RIP, Done E0000006h) ends the program on the ring-0
; stack the TSS names. Should the VMMCALL return instead, ring 3 reports its status on the
; Value port and Done = DONE_USER_HYPERCALL | status.
%include "testkit.inc"
default rel
bits 64
extern pml4, page_directories
%define USER_CODE_SELECTOR  0x18
%define USER_DATA_SELECTOR  0x20
%define TSS_SELECTOR        0x28
%define PAGE_USER           (1 << 2)
%define RFLAGS_IOPL3        (3 << 12)

section .text
global RedoubtGuestUserHypercall
RedoubtGuestUserHypercall:      ; (ulong number) -> does not return
    cli
    ; The TSS: RSP0 is this stack, where exceptions from ring 3 land.
    lea rax, [tss]
    mov [rax + 4], rsp
    ; The TSS descriptor (16 bytes): base split over bytes 2-4, 7 and 8-11, limit 103, type 9.
    lea rdx, [gdt_tss]
    mov word [rdx], 103
    mov [rdx + 2], ax
    shr rax, 16
    mov [rdx + 4], al
    mov byte [rdx + 5], 0x89            ; present, DPL 0, available 64-bit TSS
    mov byte [rdx + 6], 0
    mov [rdx + 7], ah
    shr rax, 16
    mov [rdx + 8], eax
    mov dword [rdx + 12], 0
    lgdt [gdt_pointer]
    mov ax, TSS_SELECTOR
    ltr ax
    ; User access on every level of the identity map (2 MiB pages, first 4 GiB).
    lea rdx, [pml4]
    or qword [rdx], PAGE_USER
    mov rdx, [rdx]
    and rdx, ~0xFFF                     ; the PDPT
    mov ecx, 4
.pdpt:
    or qword [rdx], PAGE_USER
    add rdx, 8
    loop .pdpt
    lea rdx, [page_directories]
    mov ecx, 4 * 512
.pd:
    or qword [rdx], PAGE_USER
    add rdx, 8
    loop .pd
    mov rax, cr3
    mov cr3, rax
    ; IRETQ to ring 3: SS, RSP, RFLAGS, CS, RIP.
    push USER_DATA_SELECTOR | 3
    lea rax, [user_stack_top]
    push rax
    push RFLAGS_IOPL3 | 2
    push USER_CODE_SELECTOR | 3
    lea rax, [user_code]
    push rax
    mov rax, rdi
    iretq

user_code:
    vmmcall
    mov ebx, eax
    mov edx, PORT_VALUE
    out dx, eax
    mov eax, ebx
    and eax, 0xFFFFFF
    or eax, DONE_USER_HYPERCALL
    mov edx, PORT_DONE
    out dx, eax
.stop:
    jmp .stop

section .data
align 16
gdt:
    dq 0
    dq 0x00AF9B000000FFFF               ; 0x08: 64-bit code, ring 0
    dq 0x00CF93000000FFFF               ; 0x10: flat data, ring 0
    dq 0x00AFFB000000FFFF               ; 0x18: 64-bit code, ring 3
    dq 0x00CFF3000000FFFF               ; 0x20: flat data, ring 3
gdt_tss:
    dq 0, 0                             ; 0x28: the TSS, filled in above
gdt_end:
align 8
gdt_pointer:
    dw gdt_end - gdt - 1
    dq gdt
align 16
tss:
    times 104 db 0

section .bss
alignb 16
user_stack:     resb 4096
user_stack_top:
