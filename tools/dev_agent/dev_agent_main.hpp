#pragma once
// `gatehouse dev-agent`: flags, logging, the listener, signals.

#include <span>

namespace gatehouse::tools {

int run_dev_agent(std::span<char* const> args);

}  // namespace gatehouse::tools
