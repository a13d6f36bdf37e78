#pragma once
// `gatehouse echo`: a tiny TCP echo app for tests and the demo. Echoes bytes; on the client's EOF
// writes "bye\n" and closes (so a proxy's half-close is observable). `-http` answers every HTTP
// request with 200 and a body naming the service (`-name`).

#include <span>

namespace gatehouse::tools {

int run_echo(std::span<char* const> args);

}  // namespace gatehouse::tools
