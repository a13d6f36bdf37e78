#pragma once
// Aligned text columns the way Consul's CLI prints them (github.com/ryanuber/columnize with its
// defaults): cells trimmed, every column but the last padded to its widest cell (in UTF-8 code
// points), two spaces between columns, no trailing padding, one row per line.

#include <string>
#include <vector>

namespace gatehouse::tools {

using Row = std::vector<std::string>;

// The rows joined by '\n', without a final newline (the caller prints one, as Consul's UI does).
std::string columnize(const std::vector<Row>& rows);

}  // namespace gatehouse::tools
