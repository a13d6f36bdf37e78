// Outside bytes: the command line of the `gatehouse` subcommands, through Boost.Program_options
// and each subcommand's own checks. The first byte chooses the subcommand; the rest is split
// into argv words at '\n':
//   0 proxy (tools::parse_proxy_options), 1 probe (parse_probe_options), 2 dev-agent
//   (parse_dev_agent_options), 3 intention (run_intention_command with its subcommand as the
//   first word; the environment holds an invalid CONSUL_HTTP_SSL_VERIFY, so a command line that
//   parses stops at "Error connecting to Consul agent" and nothing is sent anywhere), 4 echo
//   (parse_echo_options), 5 demo (parse_demo_options).
// Invariants: nothing crashes, hangs or throws; a refused command line has a non-empty error.
//
// Flags name files (-config-file, -token-file, -expect, create -file). Inputs with '/' are skipped
// so no path outside the empty directory this target runs in is opened (a FIFO or /dev/zero
// would block); values with '/' are covered by flag_values and proxy_config_file.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "tools/demo/demo_main.hpp"
#include "tools/dev_agent/dev_agent_options.hpp"
#include "tools/echo_app/echo_main.hpp"
#include "tools/intention/intention_main.hpp"
#include "tools/probe/probe_options.hpp"
#include "tools/proxy/proxy_options.hpp"

using namespace gatehouse;

namespace {

std::optional<std::string> no_env(std::string_view) { return std::nullopt; }

std::optional<std::string> unusable_agent_env(std::string_view name) {
  if (name == "CONSUL_HTTP_SSL_VERIFY") return std::string{"not-a-bool"};
  return std::nullopt;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  if (text.empty()) return words;
  for (std::size_t start = 0;;) {
    const auto end = text.find('\n', start);
    words.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return words;
}

std::vector<char*> argv_of(std::vector<std::string>& words) {
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  return argv;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // An empty directory of our own, removed at exit: relative file names find nothing.
  static std::string dir = (std::filesystem::temp_directory_path() / "gatehouse-fuzz-XXXXXX");
  if (::mkdtemp(dir.data()) == nullptr || ::chdir(dir.c_str()) != 0) std::abort();
  std::atexit([] { std::filesystem::remove_all(dir); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text{reinterpret_cast<const char*>(data) + 1, size - 1};
  if (text.find('/') != std::string_view::npos) return 0;
  auto words = split_words(text);
  auto argv = argv_of(words);
  const std::span<char* const> args{argv.data(), argv.size()};
  switch (data[0] % 6) {
    case 0: {
      const auto options = tools::parse_proxy_options(args, no_env);
      if (!options) FUZZ_CHECK(!options.error().empty(), "empty error");
      break;
    }
    case 1: {
      const auto options = tools::parse_probe_options(args, no_env);
      if (!options) FUZZ_CHECK(!options.error().empty(), "empty error");
      break;
    }
    case 2: {
      const auto options = tools::parse_dev_agent_options(args);
      if (!options) FUZZ_CHECK(!options.error().empty(), "empty error");
      break;
    }
    case 4: {
      const auto options = tools::parse_echo_options(args);
      if (!options) FUZZ_CHECK(!options.error().empty(), "empty error");
      break;
    }
    case 5: {
      const auto options = tools::parse_demo_options(args);
      if (!options) FUZZ_CHECK(!options.error().empty(), "empty error");
      break;
    }
    default: {
      std::ostringstream out;
      std::ostringstream err;
      std::istringstream in;
      tools::CliIo io{out, err, in, unusable_agent_env};
      const int exit_code = tools::run_intention_command(words, io);
      FUZZ_CHECK(exit_code == 0 || !err.str().empty(), "failed without saying why");
      break;
    }
  }
  return 0;
}
