#pragma once
// `gatehouse decisions`: a sidecar's recent connection decisions from GET /decisions on its
// -admin-addr (docs/decisions.md). Exit 0 done, 1 unreachable or an error answer.

#include <span>

namespace gatehouse::tools {

int run_decisions(std::span<char* const> args);

}  // namespace gatehouse::tools
