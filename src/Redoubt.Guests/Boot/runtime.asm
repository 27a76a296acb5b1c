; Native symbols the corlib and the compiled code need, besides the failure stubs: interface
; dispatch, stack probing and by-reference copies (register contracts C# cannot express), the
; module table, the allocator's arena and the stack-protector cookie.
default rel
bits 64
section .text
extern RedoubtResolveInterfaceDispatch, __modules_start, __modules_end, guest_heap, guest_heap_end

; Interface call: r11 = dispatch cell, arguments in registers. Saves every argument register,
; resolves (object, cell) -> code in the corlib, restores and jumps there.
global RhpInitialDynamicInterfaceDispatch
RhpInitialDynamicInterfaceDispatch:
    push rbp
    mov rbp, rsp
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
    pop rbp
    jmp rax

; Large frames: r11 = lowest address of the new frame. Touches each page from rsp down to r11
; in order, as the compiler expects; preserves r11.
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

; Copies one reference *rsi -> *rdi and advances both.
global RhpByRefAssignRef
RhpByRefAssignRef:
    mov rcx, [rsi]
    mov [rdi], rcx
    add rdi, 8
    add rsi, 8
    ret

; The compiler's module table (testkit.ld): pointers to the ReadyToRun headers.
global RedoubtModulesStart, RedoubtModulesEnd
RedoubtModulesStart:
    lea rax, [__modules_start]
    ret
RedoubtModulesEnd:
    lea rax, [__modules_end]
    ret

; The bump arena of the corlib's allocator (BootArena), reserved in entry.asm.
global RedoubtHeapStart, RedoubtHeapEnd
RedoubtHeapStart:
    lea rax, [guest_heap]
    ret
RedoubtHeapEnd:
    lea rax, [guest_heap_end]
    ret

; Checked by the compiler's stack protector. A fixed value: test guests defend nothing, and a
; fixed image keeps every run and every launch measurement the same.
global __security_cookie
section .data
align 8
__security_cookie: dq 0x2B992DDFA232
