#include "tools/demo/demo_main.hpp"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "consul/http_client.hpp"
#include "tools/demo/demo.hpp"
#include "tools/demo/interrupt_signals.hpp"
#include "tools/duration_flag.hpp"
#include "tools/option_error.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;

int run_demo(std::span<char* const> args) {
  DemoOptions options;
  std::string settle = "3s";  // see gatehouse probe's -settle
  std::string log_dir;
  po::options_description d{
      "Usage: gatehouse demo [options]\n\n"
      "  Starts a dev agent and three services (web, api, db) with Gatehouse sidecars, then\n"
      "  walks through create, list, update and delete of an intention with real traffic and\n"
      "  ends with the probe's matrix. Exit 0 when every observation matched.\n\nOptions"};
  d.add_options()("help,h", po::bool_switch(&options.help), "Show this help.")(
      "keep", po::bool_switch(&options.keep),
      "Leave everything running at the end (until Ctrl-C) and print what to try next.")(
      "settle", po::value(&settle)->default_value(settle),
      "The probe's settle window (see gatehouse probe -h).")(
      "log-dir", po::value(&log_dir),
      "Directory for the children's logs (default: a new temp dir).");
  try {
    po::variables_map vm;
    auto parsed =
        po::command_line_parser(std::vector<std::string>(args.begin(), args.end()))
            .options(d)
            .style(po::command_line_style::unix_style | po::command_line_style::allow_long_disguise)
            .run();
    for (const auto& opt : parsed.options) {
      if (opt.unregistered || opt.position_key >= 0) {
        std::cerr << "gatehouse demo: Should have no non-flag arguments.\n";
        return 1;
      }
    }
    po::store(parsed, vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "gatehouse demo: " << option_error_text(e) << "\n";
    return 1;
  }
  if (options.help) {
    std::cout << d;
    return 0;
  }
  const auto window = parse_positive_duration_flag("settle", settle);
  if (!window) {
    std::cerr << "gatehouse demo: " << window.error() << "\n";
    return 1;
  }
  options.settle = *window;

  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    std::cerr << "gatehouse demo: cannot find this binary (/proc/self/exe): " << ec.message()
              << "\n";
    return 1;
  }
  if (log_dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path(ec) / "gatehouse-demo.XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "gatehouse demo: cannot create a log directory: " << std::strerror(errno)
                << "\n";
      return 1;
    }
    log_dir = pattern;
  } else if (std::filesystem::create_directories(log_dir, ec); ec) {
    std::cerr << "gatehouse demo: -log-dir " << log_dir << ": " << ec.message() << "\n";
    return 1;
  }

  consul::init_http_globally();
  Demo demo{self.string(), log_dir, std::cout};
  // Before any other thread: every thread inherits the blocked SIGINT/SIGTERM.
  const InterruptSignals signals{[&demo](int) { demo.interrupt(); }};
  return demo.run(options);
}

}  // namespace gatehouse::tools
