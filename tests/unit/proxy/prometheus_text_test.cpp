#include "proxy/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace gatehouse::proxy::prometheus {
namespace {

TEST(PrometheusText, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(escape_label_value("web => db"), "web => db");
  EXPECT_EQ(escape_label_value(R"(a\b)"), R"(a\\b)");
  EXPECT_EQ(escape_label_value(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(escape_label_value("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(escape_label_value("\\\"\n"), R"(\\\"\n)");
  EXPECT_EQ(escape_label_value(""), "");
}

TEST(PrometheusText, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(escape_help("a \"quoted\" \\ word\nnext"), R"(a "quoted" \\ word\nnext)");
}

TEST(PrometheusText, ValuesAsTheFormatSpellsThem) {
  EXPECT_EQ(format_value(0.0), "0");
  EXPECT_EQ(format_value(3.0), "3");
  EXPECT_EQ(format_value(1e6), "1000000");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(0.000123), "0.000123");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_value(std::uint64_t{18446744073709551615U}), "18446744073709551615");
}

TEST(PrometheusText, FamiliesAndSamples) {
  TextWriter out;
  out.family("x_total", "counter", "Things.\nCounted \\ here.");
  out.sample("x_total", {{"a", "1"}, {"b", "say \"no\"\n"}}, "7");
  out.sample("x_total", {}, "2");
  const std::vector<Label> labels{{"k", R"(c:\dir)"}};
  out.sample("x_total", labels, "+Inf");
  EXPECT_EQ(out.text(),
            "# HELP x_total Things.\\nCounted \\\\ here.\n"
            "# TYPE x_total counter\n"
            "x_total{a=\"1\",b=\"say \\\"no\\\"\\n\"} 7\n"
            "x_total 2\n"
            "x_total{k=\"c:\\\\dir\"} +Inf\n");
}

}  // namespace
}  // namespace gatehouse::proxy::prometheus
