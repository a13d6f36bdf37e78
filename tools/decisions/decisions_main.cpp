#include "tools/decisions/decisions_main.hpp"

#include <iostream>
#include <string>

#include "consul/agent_config.hpp"
#include "tools/decisions/decision_text.hpp"
#include "tools/decisions/decisions_client.hpp"
#include "tools/decisions/decisions_options.hpp"

namespace gatehouse::tools {

namespace {

constexpr int kExitError = 1;

}  // namespace

int run_decisions(std::span<char* const> args) {
  auto options = parse_decisions_options(args, consul::process_env());
  if (!options) {
    std::cerr << "gatehouse decisions: " << options.error() << "\n";
    return kExitError;
  }
  if (options->help) {
    std::cout << decisions_usage();
    return 0;
  }
  const bool text = options->format == DecisionsFormat::text;
  const auto error =
      get_decision_lines(options->admin, options->target(), [text](std::string_view line) {
        if (text) {
          std::cout << decision_text(line) << '\n';
        } else {
          std::cout << line << '\n';
        }
        std::cout.flush();  // -follow: as it happens
      });
  if (error) {
    std::cerr << "gatehouse decisions: " << *error << "\n";
    return kExitError;
  }
  return 0;
}

}  // namespace gatehouse::tools
