; UEFI entry: efi_main(ImageHandle, SystemTable) with the Microsoft x64 ABI. Firmware has set up
; long mode, an identity map and SSE; boot services still run on the firmware's stack. Seeds the
; stack cookie and calls RedoubtUefiMain(ImageHandle, SystemTable).
%include "abi.inc"
default rel
bits 64
section .text
extern RedoubtUefiMain, RedoubtSeedCookie
global efi_main
efi_main:
    push rbp
    mov rbp, rsp
    and rsp, -16
    push rcx
    push rdx
    sub rsp, 32
    call RedoubtSeedCookie
    add rsp, 32
    pop rdx
    pop rcx
    sub rsp, 32
    call RedoubtUefiMain
    mov rsp, rbp
    pop rbp
    ret

; The image base lld-link defines, for parsing our own PE section table.
extern __ImageBase
global RedoubtImageBase
RedoubtImageBase:
    lea rax, [__ImageBase]
    ret
