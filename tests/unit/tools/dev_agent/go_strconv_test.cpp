// Go strconv behaviour the filter relies on (Unquote for string literals, ParseInt/ParseBool for
// coercion in go-bexpr coerce.go), with Go's error texts.
#include "tools/dev_agent/go_strconv.hpp"

#include <gtest/gtest.h>

#include <type_traits>

namespace gatehouse::tools {
namespace {

// The parsed value (results with a string error have no value() that throws).
template <class R>
auto value_of(const R& r) {
  EXPECT_TRUE(r.has_value()) << r.error();
  return r.has_value() ? *r : std::remove_cvref_t<decltype(*r)>{};
}

TEST(GoUnquote, DoubleQuotedEscapes) {
  EXPECT_EQ(value_of(go_unquote(R"("a\tb\n\\\x41\101\u00e9")")), "a\tb\n\\AA\xC3\xA9");
  EXPECT_EQ(value_of(go_unquote(R"("")")), "");
}

TEST(GoUnquote, RawStringsKeepBackslashesAndDropCarriageReturns) {
  EXPECT_EQ(value_of(go_unquote("`a\\tb\r\nc`")), "a\\tb\nc");
}

TEST(GoUnquote, InvalidSyntax) {
  for (const char* bad :
       {R"("a\qb")", R"("\'")", "\"a\nb\"", R"("\x4")", R"("\400")", R"("\ud800")", R"("a\")"}) {
    auto r = go_unquote(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error(), "invalid syntax") << bad;
  }
}

TEST(GoParseInt, BasePrefixesSignsAndUnderscores) {
  EXPECT_EQ(value_of(go_parse_int("9")), 9);
  EXPECT_EQ(value_of(go_parse_int("-12")), -12);
  EXPECT_EQ(value_of(go_parse_int("+7")), 7);
  EXPECT_EQ(value_of(go_parse_int("0x1F")), 31);
  EXPECT_EQ(value_of(go_parse_int("010")), 8);
  EXPECT_EQ(value_of(go_parse_int("0o17")), 15);
  EXPECT_EQ(value_of(go_parse_int("0b101")), 5);
  EXPECT_EQ(value_of(go_parse_int("1_000")), 1000);
  EXPECT_EQ(value_of(go_parse_int("-9223372036854775808")), INT64_MIN);
}

TEST(GoParseInt, ErrorTexts) {
  EXPECT_EQ(go_parse_int("abc").error(), R"(strconv.ParseInt: parsing "abc": invalid syntax)");
  EXPECT_EQ(go_parse_int("1.5").error(), R"(strconv.ParseInt: parsing "1.5": invalid syntax)");
  EXPECT_EQ(go_parse_int("").error(), R"(strconv.ParseInt: parsing "": invalid syntax)");
  EXPECT_EQ(go_parse_int("1__0").error(), R"(strconv.ParseInt: parsing "1__0": invalid syntax)");
  EXPECT_EQ(go_parse_int("9223372036854775808").error(),
            R"(strconv.ParseInt: parsing "9223372036854775808": value out of range)");
  EXPECT_EQ(go_parse_uint("-1").error(), R"(strconv.ParseUint: parsing "-1": invalid syntax)");
}

TEST(GoParseBool, AcceptedSpellings) {
  EXPECT_TRUE(value_of(go_parse_bool("True")));
  EXPECT_FALSE(value_of(go_parse_bool("0")));
  EXPECT_EQ(go_parse_bool("yes").error(), R"(strconv.ParseBool: parsing "yes": invalid syntax)");
}

TEST(GoParseFloat, DecimalsAndErrors) {
  EXPECT_DOUBLE_EQ(value_of(go_parse_float("-1.5")), -1.5);
  EXPECT_EQ(go_parse_float("1.5x").error(),
            R"(strconv.ParseFloat: parsing "1.5x": invalid syntax)");
  EXPECT_EQ(go_parse_float("1e999").error(),
            R"(strconv.ParseFloat: parsing "1e999": value out of range)");
}

}  // namespace
}  // namespace gatehouse::tools
