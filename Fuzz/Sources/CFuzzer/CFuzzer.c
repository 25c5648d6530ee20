// The declaration in include/CFuzzer.h is the whole module; SwiftPM needs one source file per C target.
#include "CFuzzer.h"
