; UEFI entry: efi_main(ImageHandle, SystemTable) with the Microsoft x64 ABI. Firmware has set up
; long mode, an identity map and SSE; boot services still run on the firmware's stack. Seeds the
; stack cookie and calls RedoubtUefiMain(ImageHandle, SystemTable).
%include "abi.inc"
default rel
bits 64
section .text
extern RedoubtUefiMain, RedoubtSeedCookie, RedoubtRuntimeInitialize
global efi_main
efi_main:
    push rbp
    mov rbp, rsp
    and rsp, -16
    push rcx
    push rdx
    sub rsp, 32
    call RedoubtSeedCookie
    call RedoubtRuntimeInitialize
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

; The section symbols of pvh.ld do not exist in the PE image: report empty bounds
; (ImageLayout.FromPe reads the PE section table instead).
global RedoubtElfLayout
RedoubtElfLayout:          ; (ulong* out6)
    xor eax, eax
    mov [rcx], rax
    mov [rcx + 8], rax
    mov [rcx + 16], rax
    mov [rcx + 24], rax
    mov [rcx + 32], rax
    mov [rcx + 40], rax
    ret
