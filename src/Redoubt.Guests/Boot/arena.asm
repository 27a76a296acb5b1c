; The guests' own answers to what the corlib needs from its host: the allocator's arena and the
; stack-protector cookie. The corlib's native half (interface dispatch, stack probes, by-ref
; copies, the module table) is Redoubt.Corlib/Native/runtime.asm, the kernel's too.
default rel
bits 64
section .text
extern guest_heap, guest_heap_end

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
