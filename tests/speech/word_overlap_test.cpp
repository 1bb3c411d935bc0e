#include <voip/speech/word_overlap.hpp>

#include <gtest/gtest.h>

namespace voip::speech {
namespace {

TEST(Words, LowerCaseWithoutPunctuation) {
    EXPECT_EQ(words("Your package, has ARRIVED!  don't"),
              (std::vector<std::string>{"your", "package", "has", "arrived", "don't"}));
    EXPECT_TRUE(words("").empty());
    EXPECT_TRUE(words(" ,.! ").empty());
}

TEST(WordOverlap, CountsExpectedWordsHeard) {
    EXPECT_DOUBLE_EQ(word_overlap("your package has arrived", "your package has arrived"), 1.0);
    EXPECT_DOUBLE_EQ(word_overlap("Your package has arrived.", "arrived has package your"), 1.0);
    EXPECT_DOUBLE_EQ(word_overlap("your package has arrived", "you package as arrived"), 0.5);
    EXPECT_DOUBLE_EQ(word_overlap("your package has arrived", ""), 0.0);
    EXPECT_DOUBLE_EQ(word_overlap("", "anything"), 0.0);
}

TEST(WordOverlap, EachHeardWordMatchesOnce) {
    EXPECT_DOUBLE_EQ(word_overlap("the cat the dog", "the"), 0.25);
    EXPECT_DOUBLE_EQ(word_overlap("the", "the the the"), 1.0);
}

}  // namespace
}  // namespace voip::speech
