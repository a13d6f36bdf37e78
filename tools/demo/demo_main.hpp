#pragma once
// `gatehouse demo`: the whole intention loop on one machine (see tools/demo/demo.hpp).

#include <span>

namespace gatehouse::tools {

int run_demo(std::span<char* const> args);

}  // namespace gatehouse::tools
