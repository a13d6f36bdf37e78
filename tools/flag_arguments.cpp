#include "tools/flag_arguments.hpp"

#include <boost/program_options/parsers.hpp>
#include <vector>

#include "tools/option_error.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;

std::optional<std::string> store_flag_arguments(std::span<char* const> args,
                                                const po::options_description& desc, int style,
                                                po::variables_map& vm, bool notify) {
  try {
    auto parsed = po::command_line_parser(std::vector<std::string>(args.begin(), args.end()))
                      .options(desc)
                      .style(style)
                      .run();
    for (const auto& opt : parsed.options) {
      if (opt.unregistered || opt.position_key >= 0) return "Should have no non-flag arguments.";
    }
    po::store(parsed, vm);
    if (notify) po::notify(vm);
  } catch (const po::error& e) {
    return option_error_text(e);
  }
  return std::nullopt;
}

}  // namespace gatehouse::tools
