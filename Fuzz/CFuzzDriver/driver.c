// Only a header: LLVMFuzzerRunDriver itself comes with -sanitize=fuzzer.
#include "CFuzzDriver.h"
