#pragma once
// A flag that holds a positive Go duration ("10s", "500ms", "1m30s"), as every subcommand's
// timeouts do: one parser and one error text for all of them.

#include <boost/program_options/value_semantic.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace gatehouse::tools {

// Whole milliseconds, at least 1. Error: `-settle: expected a positive duration such as 10s or
// 500ms, got "0s"` (`flag` without its dash).
boost::system::result<std::chrono::milliseconds, std::string> parse_positive_duration_flag(
    std::string_view flag, const std::string& text);

// The flag's value, defaulting to what `text` holds now; help shows it as `-flag=<duration>`, as
// Go's flag package shows a time.Duration in consul's help.
boost::program_options::typed_value<std::string>* duration_value(std::string* text);

}  // namespace gatehouse::tools
