#include "tools/duration_flag.hpp"

#include <algorithm>

#include "consul/failure.hpp"
#include "consul/go_duration.hpp"

namespace gatehouse::tools {

boost::system::result<std::chrono::milliseconds, std::string> parse_positive_duration_flag(
    std::string_view flag, const std::string& text) {
  const auto d = consul::parse_go_duration(text);
  if (!d || *d <= std::chrono::nanoseconds::zero()) {
    return consul::Failure{"-" + std::string{flag} +
                           ": expected a positive duration such as 10s or 500ms, got \"" + text +
                           "\""};
  }
  return std::max(std::chrono::milliseconds{1},
                  std::chrono::duration_cast<std::chrono::milliseconds>(*d));
}

boost::program_options::typed_value<std::string>* duration_value(std::string* text) {
  return boost::program_options::value(text)->value_name("duration")->default_value(*text);
}

}  // namespace gatehouse::tools
