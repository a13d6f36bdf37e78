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
#include "tools/flag_arguments.hpp"
#include "tools/usage_text.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;

namespace {

constexpr std::string_view kDefaultSettle = "3s";  // see gatehouse probe's -settle

constexpr std::string_view kUsage = R"usage(Usage: gatehouse demo [options]

  Starts a dev agent and three services (web, api, db) with Gatehouse
  sidecars, then walks through create, list, update and delete of an
  intention with real traffic and ends with the probe's matrix. Exit 0 when
  every observation matched.
)usage";

po::options_description describe(DemoCommandLine& c, std::string& settle) {
  po::options_description d;
  d.add_options()("help,h", po::bool_switch(&c.options.help), "Show this help.")(
      "keep", po::bool_switch(&c.options.keep),
      "Leave everything running at the end (until Ctrl-C) and print what to try next.")(
      "settle", duration_value(&settle), "The probe's settle window (see gatehouse probe -h).")(
      "log-dir", po::value(&c.log_dir),
      "Directory for the children's logs (default: a new temp dir).");
  return d;
}

}  // namespace

boost::system::result<DemoCommandLine, std::string> parse_demo_options(
    std::span<char* const> args) {
  using R = boost::system::result<DemoCommandLine, std::string>;
  DemoCommandLine c;
  std::string settle{kDefaultSettle};
  const auto d = describe(c, settle);
  po::variables_map vm;
  constexpr int kStyle =
      po::command_line_style::unix_style | po::command_line_style::allow_long_disguise;
  if (auto error = store_flag_arguments(args, d, kStyle, vm)) {
    return R{boost::system::in_place_error, std::move(*error)};
  }
  if (c.options.help) return c;
  const auto window = parse_positive_duration_flag("settle", settle);
  if (!window) return R{boost::system::in_place_error, window.error()};
  c.options.settle = *window;
  return c;
}

std::string demo_usage() {
  DemoCommandLine c;
  std::string settle{kDefaultSettle};
  return usage_text(kUsage, describe(c, settle));
}

int run_demo(std::span<char* const> args) {
  auto parsed = parse_demo_options(args);
  if (!parsed) {
    std::cerr << "gatehouse demo: " << parsed.error() << "\n";
    return 1;
  }
  if (parsed->options.help) {
    std::cout << demo_usage();
    return 0;
  }
  const DemoOptions& options = parsed->options;
  std::string log_dir = parsed->log_dir;

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
