#ifndef PROVISO_CFUZZER_H
#define PROVISO_CFUZZER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (in the toolchain's libclang_rt.fuzzer, linked by -sanitize=fuzzer): parses
/// the libFuzzer flags in argv and calls `callback` once per input. SwiftPM gives each executable
/// its own `main`, so the harnesses call the driver themselves instead of using libFuzzer's `main`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
