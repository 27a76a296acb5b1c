; Seeds __security_cookie from RDRAND before any managed code runs (the compiler's stack
; protector checks it on return from frames with buffers). Without RDRAND the TSC is mixed in.
default rel
bits 64
section .text
extern __security_cookie
global RedoubtSeedCookie
RedoubtSeedCookie:
    push rbx
    mov eax, 1
    cpuid
    pop rbx
    bt ecx, 30
    jnc .fallback
    mov ecx, 10
.retry:
    rdrand rax
    jc .store
    dec ecx
    jnz .retry
.fallback:
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov rdx, 0x9E3779B97F4A7C15
    imul rax, rdx
.store:
    mov [__security_cookie], rax
    ret
