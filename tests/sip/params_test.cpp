#include <voip/sip/params.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace voip::sip {
namespace {

std::vector<std::string> names(const ParamList& list) {
    std::vector<std::string> out;
    for (const Param& p : list)
        out.emplace_back(p.name);
    return out;
}

TEST(ParamList, IteratesNamesAndValues) {
    ParamList list(";branch=z9hG4bK1;rport;received=192.0.2.1");
    EXPECT_EQ(list.size(), 3U);
    EXPECT_EQ(names(list), (std::vector<std::string>{"branch", "rport", "received"}));
    auto rport = list.find("RPORT");
    ASSERT_TRUE(rport.has_value());
    EXPECT_FALSE(rport->has_value);
    EXPECT_EQ(rport->value, "");
    EXPECT_EQ(list.value("branch"), "z9hG4bK1");
    EXPECT_EQ(list.value("received"), "192.0.2.1");
    EXPECT_FALSE(list.value("maddr").has_value());
    EXPECT_TRUE(list.contains("Branch"));
    EXPECT_FALSE(list.empty());
    EXPECT_EQ(list.text(), ";branch=z9hG4bK1;rport;received=192.0.2.1");
}

TEST(ParamList, WhitespaceAndQuotedValues) {
    ParamList list(R"( ;  newparam =  newvalue ;  secondparam ; q = 0.33;x="a;b,c\" d")");
    EXPECT_EQ(names(list), (std::vector<std::string>{"newparam", "secondparam", "q", "x"}));
    EXPECT_EQ(list.value("newparam"), "newvalue");
    EXPECT_EQ(list.value("q"), "0.33");
    EXPECT_EQ(list.value("x"), R"("a;b,c\" d")");
    EXPECT_EQ(unquote(*list.value("x")), "a;b,c\" d");
}

TEST(ParamList, EmptyAndDefault) {
    EXPECT_TRUE(ParamList().empty());
    EXPECT_TRUE(ParamList("").empty());
    EXPECT_EQ(ParamList("  ").size(), 0U);
    EXPECT_EQ(ParamList().begin(), ParamList().end());
}

TEST(ParamList, IteratorPostIncrementAndEquality) {
    ParamList list(";a=1;b");
    auto it = list.begin();
    auto old = it++;
    EXPECT_EQ(old->name, "a");
    EXPECT_EQ(it->name, "b");
    EXPECT_FALSE(it == old);
    ++it;
    EXPECT_EQ(it, list.end());
}

TEST(Unquote, LeavesTokensAlone) {
    EXPECT_EQ(unquote("token"), "token");
    EXPECT_EQ(unquote("\""), "\"");
    EXPECT_EQ(unquote("\"\""), "");
    EXPECT_EQ(unquote(R"("a\\b")"), "a\\b");
}

}  // namespace
}  // namespace voip::sip
