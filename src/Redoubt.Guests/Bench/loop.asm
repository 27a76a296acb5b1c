; The benchmark loops of `redoubt bench exits`: flat binaries run in real mode at guest-physical
; 0x1000 with ESI = iteration count. Assembled once per kind with -D LOOP_<kind>:
;   loop   no exiting instruction: the loop's own cost, to subtract
;   null   OUT to TestPort.PostCode (0x80), absorbed by the kernel: the null exit
;   cpuid  CPUID leaf 0, answered through the CPUID policy
;   pio    OUT to TestPort.Echo (0x10), answered by the handler: the port-I/O round trip
; Every kind has the same shape, byte for byte the host baseline's loops:
;   66 31 C0 | exiting instruction | 66 4E | 75 rel8 | E6 11 | F4 | EB FE
%include "testkit.inc"

bits 16
org 0x1000
top:
    xor eax, eax                        ; leaf 0 for CPUID; AL = 0 for the port writes
%ifdef LOOP_null
    out PORT_POST_CODE, al
%elifdef LOOP_cpuid
    cpuid
%elifdef LOOP_pio
    out PORT_ECHO, al
%elifndef LOOP_loop
    %error "assemble with -D LOOP_loop, LOOP_null, LOOP_cpuid or LOOP_pio"
%endif
    dec esi
    jnz top
    out PORT_LOOP_DONE, al
    hlt
    jmp $
