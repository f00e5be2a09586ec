// Firmware for the chosen modules. Firmware packages (Config::firmware_
// packages) are unpacked into ctx.tree by the package layer; this keeps the
// files the chosen modules name (modinfo "firmware") and drops the rest of
// those packages, which would otherwise put hundreds of megabytes of
// firmware for absent hardware into the image. In hostonly mode a file no
// package provides is taken from the host's firmware directory.
#pragma once

#include "context.h"

#include <string>
#include <vector>

namespace initpack {

struct Context;

// On return each module's `firmware` lists only the files found (as the
// kernel asks for them, e.g. "i915/skl_dmc_ver1_27.bin"). Missing files
// are one warning listing module and file: most are optional.
void add_module_firmware(Context &ctx, std::vector<ModuleChoice> &modules,
                         const std::string &host_firmware_dir);

} // namespace initpack
