#pragma once
// `gatehouse probe`: real mTLS connections for every source -> destination pair, compared with
// the intentions (and an optional -expect file). Exit 0 all match, 1 a mismatch, 2 an error.

#include <span>

namespace gatehouse::tools {

int run_probe_command(std::span<char* const> args);

}  // namespace gatehouse::tools
