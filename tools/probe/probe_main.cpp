#include "tools/probe/probe_main.hpp"

#include <fstream>
#include <iostream>

#include "consul/http_client.hpp"
#include "tools/probe/json_report.hpp"
#include "tools/probe/junit_report.hpp"
#include "tools/probe/matrix_report.hpp"
#include "tools/probe/probe_options.hpp"
#include "tools/probe/probe_run.hpp"

namespace gatehouse::tools {

namespace {

constexpr int kExitError = 2;

}  // namespace

int run_probe_command(std::span<char* const> args) {
  auto options = parse_probe_options(args, consul::process_env());
  if (!options) {
    std::cerr << "gatehouse probe: " << options.error() << "\n";
    return kExitError;
  }
  if (options->help) {
    std::cout << probe_usage();
    return 0;
  }
  consul::init_http_globally();
  auto report = run_probe(options->agent, options->settings);
  if (!report) {
    std::cerr << "gatehouse probe: " << report.error() << "\n";
    return kExitError;
  }
  if (!options->junit_file.empty()) {
    std::ofstream junit{options->junit_file, std::ios::binary | std::ios::trunc};
    junit << render_junit(*report);
    junit.close();
    if (!junit) {
      std::cerr << "gatehouse probe: cannot write " << options->junit_file << "\n";
      return kExitError;
    }
  }
  std::cout << (options->format == ProbeFormat::json ? render_json(*report)
                                                     : render_matrix(*report));
  std::cout.flush();
  return report->exit_code();
}

}  // namespace gatehouse::tools
