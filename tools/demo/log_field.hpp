#pragma once
// The value of `key=` in one of our key=value log lines ("" when absent); quoted values
// (`reason="Matched L4 intention: …"`) come back without the quotes.

#include <string>
#include <string_view>

namespace gatehouse::tools {

std::string log_field(std::string_view line, std::string_view key);

}  // namespace gatehouse::tools
