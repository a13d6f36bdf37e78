#include "tools/proxy/proxy_main.hpp"

#include <iostream>

#include "proxy/logger.hpp"
#include "proxy/run_sidecar.hpp"
#include "tools/proxy/proxy_options.hpp"

namespace gatehouse::tools {

int run_proxy(std::span<char* const> args) {
  auto options = parse_proxy_options(args, consul::process_env());
  if (!options) {
    std::cerr << "gatehouse proxy: " << options.error() << "\n";
    return 1;
  }
  if (options->help) {
    std::cout << proxy_usage();
    return 0;
  }
  if (options->check_config) {
    std::cout << "Configuration is valid.\n";
    return 0;
  }
  proxy::setup_logging(options->config.log_json ? proxy::LogFormat::json : proxy::LogFormat::text,
                       options->config.log_level);
  const int exit_code =
      !options->proxy_id.empty() || !options->sidecar_for.empty()
          ? proxy::run_sidecar_from_agent({options->proxy_id, options->sidecar_for},
                                          options->config, options->agent)
          : proxy::run_sidecar(options->config, options->agent);
  proxy::finish_logging();
  return exit_code;
}

}  // namespace gatehouse::tools
