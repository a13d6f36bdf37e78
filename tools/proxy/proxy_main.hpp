#pragma once
// `gatehouse proxy`: the Connect sidecar (flags as `consul connect proxy`).

#include <span>

namespace gatehouse::tools {

int run_proxy(std::span<char* const> args);

}  // namespace gatehouse::tools
