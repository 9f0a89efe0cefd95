#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer). SwiftPM links a Swift 6 package's
// executables with `main` aliased to the module's own entry point, so libFuzzer's main() is
// never used: each target's main.swift calls the driver with its test function instead.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
