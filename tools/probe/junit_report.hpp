#pragma once
// `gatehouse probe -junit FILE`: JUnit XML for CI, one <testcase> per pair (name
// "web -> db", classname "gatehouse.probe.<source>", time = the pair's latency), a <failure> for
// each mismatch; <system-out> says what was expected and observed, with the reply's first bytes.

#include <string>
#include <string_view>

#include "tools/probe/probe_report.hpp"

namespace gatehouse::tools {

std::string render_junit(const ProbeReport& report);

// XML text/attribute escaping (& < > " ').
std::string xml_escape(std::string_view text);

}  // namespace gatehouse::tools
