// Flag errors from Boost.Program_options: our one-pass rendering gives what() for ordinary
// arguments, and ends (with the argument shown as typed) for arguments that look like what()'s
// own placeholders, on which what() never returns.
#include "tools/option_error.hpp"

#include <gtest/gtest.h>

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::tools {
namespace {

namespace po = boost::program_options;

po::options_description flags() {
  po::options_description d;
  d.add_options()("service", po::value<std::string>())("workers", po::value<int>())(
      "register", po::bool_switch())("tag", po::value<std::vector<std::string>>());
  return d;
}

constexpr int kSingleDashStyle =
    (po::command_line_style::unix_style | po::command_line_style::allow_long_disguise) &
    ~po::command_line_style::allow_guessing;

// The error parsing `args` raises, rendered both ways (what() only when `safe`).
struct Rendered {
  std::string ours;
  std::optional<std::string> boost;
};

Rendered error_for(const std::vector<std::string>& args, bool safe) {
  const auto desc = flags();
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).style(kSingleDashStyle).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return {option_error_text(e), safe ? std::optional<std::string>{e.what()} : std::nullopt};
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST(OptionErrorText, SameTextAsBoostForOrdinaryArguments) {
  const std::vector<std::vector<std::string>> cases{
      {"-frobnicate"},
      {"--frobnicate=1"},
      {"-workers", "many"},
      {"-workers"},
      {"-service", "a", "-service", "b"},
      {"-register=yes"},
      {"-s"},
      {"-workers=", "1"},
  };
  for (const auto& args : cases) {
    const auto r = error_for(args, true);
    ASSERT_TRUE(r.boost.has_value());
    EXPECT_EQ(r.ours, *r.boost) << args.front();
  }
}

TEST(OptionErrorText, KnownTexts) {
  EXPECT_EQ(error_for({"-frobnicate"}, true).ours, "unrecognised option '-frobnicate'");
  EXPECT_EQ(error_for({"-workers", "many"}, true).ours,
            "the argument ('many') for option '--workers' is invalid");
  EXPECT_EQ(error_for({"-workers"}, true).ours,
            "the required argument for option '--workers' is missing");
}

// Regression: what() loops forever on these (Boost replaces placeholders until none is left).
TEST(OptionErrorText, PlaceholderLookalikesAreShownAsTyped) {
  EXPECT_EQ(error_for({"-%canonical_option%x"}, false).ours,
            "unrecognised option '-%canonical_option%x'");
  EXPECT_EQ(error_for({"-workers", "%value%"}, false).ours,
            "the argument ('%value%') for option '--workers' is invalid");
  EXPECT_EQ(error_for({"--%option%=%prefix%"}, false).ours,
            "unrecognised option '--%option%=%prefix%'");
  EXPECT_EQ(error_for({"-%original_token%"}, false).ours,
            "unrecognised option '-%original_token%'");
}

TEST(OptionErrorText, ErrorsWithoutOptionNameKeepTheirText) {
  const po::too_many_positional_options_error error;
  EXPECT_EQ(option_error_text(error), error.what());
}

}  // namespace
}  // namespace gatehouse::tools
