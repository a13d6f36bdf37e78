#pragma once
// The value of `key=` in one of our key=value log lines ("" when absent); quoted values
// (`reason="Matched L4 intention: …"`) come back without the quotes, \" and \\ inside them
// unescaped. The demo and the integration tests read the sidecars' and agents' lines with it.

#include <string>
#include <string_view>

namespace gatehouse::tools {

std::string log_field(std::string_view line, std::string_view key);

}  // namespace gatehouse::tools
