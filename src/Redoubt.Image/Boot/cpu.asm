; Instructions C# cannot express. Each routine is a leaf that touches only what its name says.
; Arguments are moved to scratch registers first so one body serves both calling conventions.
%include "abi.inc"
default rel
bits 64
section .text

global RedoubtOutByte, RedoubtInByte, RedoubtOutWord, RedoubtInWord, RedoubtOutDword, RedoubtInDword
RedoubtOutByte:            ; (ushort port, byte value)
    mov eax, ARG1d
    mov edx, ARG0d
    out dx, al
    ret
RedoubtInByte:             ; (ushort port) -> byte
    mov edx, ARG0d
    xor eax, eax
    in al, dx
    ret
RedoubtOutWord:            ; (ushort port, ushort value)
    mov eax, ARG1d
    mov edx, ARG0d
    out dx, ax
    ret
RedoubtInWord:             ; (ushort port) -> ushort
    mov edx, ARG0d
    xor eax, eax
    in ax, dx
    ret
RedoubtOutDword:           ; (ushort port, uint value)
    mov eax, ARG1d
    mov edx, ARG0d
    out dx, eax
    ret
RedoubtInDword:            ; (ushort port) -> uint
    mov edx, ARG0d
    in eax, dx
    ret

global RedoubtReadCr0, RedoubtReadCr2, RedoubtReadCr3, RedoubtReadCr4, RedoubtWriteCr3, RedoubtWriteCr0, RedoubtWriteCr4
global RedoubtReadXcr0, RedoubtWriteXcr0
RedoubtWriteCr4:           ; (ulong value)
    mov cr4, ARG0
    ret
RedoubtReadXcr0:           ; () -> ulong; needs CR4.OSXSAVE
    xor ecx, ecx
    xgetbv
    shl rdx, 32
    or rax, rdx
    ret
RedoubtWriteXcr0:          ; (ulong value); needs CR4.OSXSAVE
    mov rax, ARG0
    mov rdx, rax
    shr rdx, 32
    xor ecx, ecx
    xsetbv
    ret
RedoubtReadCr0:
    mov rax, cr0
    ret
RedoubtReadCr2:
    mov rax, cr2
    ret
RedoubtReadCr3:
    mov rax, cr3
    ret
RedoubtReadCr4:
    mov rax, cr4
    ret
RedoubtWriteCr0:           ; (ulong value)
    mov cr0, ARG0
    ret
RedoubtWriteCr3:           ; (ulong value): also flushes all non-global TLB entries
    mov cr3, ARG0
    ret

global RedoubtReadMsr, RedoubtWriteMsr
RedoubtReadMsr:            ; (uint msr) -> ulong
    mov ecx, ARG0d
    rdmsr
    shl rdx, 32
    or rax, rdx
    ret
RedoubtWriteMsr:           ; (uint msr, ulong value)
    mov rax, ARG1
    mov ecx, ARG0d
    mov rdx, rax
    shr rdx, 32
    wrmsr
    ret

global RedoubtWriteBackInvalidate
RedoubtWriteBackInvalidate: ; writes every dirty cache line back, then invalidates the caches
    wbinvd
    ret

global RedoubtCpuid
RedoubtCpuid:              ; (uint leaf, uint subleaf, uint* out4)
    push rbx
    mov r10, ARG2
    mov eax, ARG0d
    mov ecx, ARG1d
    cpuid
    mov [r10], eax
    mov [r10 + 4], ebx
    mov [r10 + 8], ecx
    mov [r10 + 12], edx
    pop rbx
    ret

global RedoubtRdrand
RedoubtRdrand:             ; (ulong* out) -> bool; retries as the SDM recommends
    mov r10, ARG0
    mov ecx, 10
.retry:
    rdrand rax
    jc .ok
    dec ecx
    jnz .retry
    xor eax, eax
    ret
.ok:
    mov [r10], rax
    mov eax, 1
    ret

global RedoubtReadTsc
RedoubtReadTsc:
    rdtsc
    shl rdx, 32
    or rax, rdx
    ret

global RedoubtLoadGdt, RedoubtLoadIdt, RedoubtLoadTr
RedoubtLoadGdt:            ; (DescriptorPointer* gdtr, ushort codeSelector, ushort dataSelector)
    mov r10, ARG0
    mov r11, ARG1
    mov rax, ARG2
    lgdt [r10]
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ecx, ecx
    mov fs, cx
    mov gs, cx
    push r11               ; far return reloads CS
    lea rcx, [.reloaded]
    push rcx
    o64 retf
.reloaded:
    ret
RedoubtLoadIdt:            ; (DescriptorPointer* idtr)
    lidt [ARG0]
    ret
RedoubtLoadTr:             ; (ushort selector)
    mov eax, ARG0d
    ltr ax
    ret

global RedoubtInvalidatePage
RedoubtInvalidatePage:     ; (ulong address)
    invlpg [ARG0]
    ret

global RedoubtHalt, RedoubtHaltForever, RedoubtDisableInterrupts
RedoubtDisableInterrupts:
    cli
    ret
; Lets pending interrupts in for one instruction (STI takes effect after the next one).
global RedoubtAcceptInterrupts
RedoubtAcceptInterrupts:
    sti
    nop
    cli
    ret
RedoubtHalt:
    hlt
    ret
RedoubtHaltForever:
    cli
.stop:
    hlt
    jmp .stop

global RedoubtReturnAddress
RedoubtReturnAddress:      ; -> the address this call returns to (a probe for the current RIP)
    mov rax, [rsp]
    ret

; The bump heap of Redoubt.Corlib's allocator (see BootArena) and the boot stack.
global RedoubtHeapStart, RedoubtHeapEnd, RedoubtStackGuard, RedoubtStackTop
global RedoubtTrapStackGuard, RedoubtTrapStackTop, RedoubtTablePoolStart, RedoubtTablePoolEnd
RedoubtHeapStart:
    lea rax, [redoubt_heap]
    ret
RedoubtHeapEnd:
    lea rax, [redoubt_heap_end]
    ret
RedoubtStackGuard:
    lea rax, [redoubt_stack_guard]
    ret
RedoubtStackTop:
    lea rax, [redoubt_stack_top]
    ret
RedoubtTrapStackGuard:
    lea rax, [redoubt_trap_stack_guard]
    ret
RedoubtTrapStackTop:
    lea rax, [redoubt_trap_stack_top]
    ret
RedoubtTablePoolStart:
    lea rax, [redoubt_table_pool]
    ret
RedoubtTablePoolEnd:
    lea rax, [redoubt_table_pool_end]
    ret

; Switches to the kernel's own stack and calls fn(arg); fn never returns.
global RedoubtRunOnKernelStack
RedoubtRunOnKernelStack:   ; (delegate* unmanaged<nint, void> fn, nint arg)
    mov rax, ARG0
    mov ARG0, ARG1
    lea rsp, [redoubt_stack_top]
    xor ebp, ebp
    sub rsp, SHADOW
    call rax
    jmp RedoubtHaltForever

global __security_cookie
section .data
align 8
__security_cookie: dq 0x2B992DDFA232

section .bss
alignb 4096
; Guard pages are left unmapped by the kernel's page tables: an overflow faults.
global redoubt_stack_guard, redoubt_stack_top
redoubt_stack_guard: resb 4096
redoubt_stack:       resb 64 * 1024
redoubt_stack_top:
redoubt_trap_stack_guard: resb 4096
redoubt_trap_stack:  resb 16 * 1024
redoubt_trap_stack_top:
redoubt_heap:        resb 4 * 1024 * 1024
redoubt_heap_end:
; Frames for the kernel's own page tables (KernelAddressSpace).
redoubt_table_pool:  resb 512 * 4096
redoubt_table_pool_end:
