package dev.fleet.orchestrator.domain.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.fleet.events.v1.Meter;

class TokensPerDayChartTest {

    private static final LocalDate D1 = LocalDate.parse("2026-11-18");
    private static final UsageSeries PROMPT_A = new UsageSeries(Meter.PROMPT_TOKENS, "gpt-a");
    private static final UsageSeries COMPLETION_A = new UsageSeries(Meter.COMPLETION_TOKENS, "gpt-a");
    private static final UsageSeries EMBEDDING = new UsageSeries(Meter.EMBEDDING_TOKENS, null);

    private static TokensPerDay data(List<Map<UsageSeries, Long>> perDay) {
        List<TokensPerDay.Day> days = new java.util.ArrayList<>();
        for (int i = 0; i < perDay.size(); i++) {
            days.add(new TokensPerDay.Day(D1.plusDays(i), perDay.get(i)));
        }
        return new TokensPerDay("t-1", D1, D1.plusDays(perDay.size()), D1.minusDays(400), days);
    }

    @Test
    void rendersWellFormedAccessibleSvgWithOneColourPerSeriesAndALegend() throws Exception {
        TokensPerDay data = data(List.of(Map.of(PROMPT_A, 1200L, COMPLETION_A, 300L), Map.of(),
                Map.of(PROMPT_A, 400L, EMBEDDING, 100L)));

        Document svg = parse(TokensPerDayChart.svg(data, "Tokens per day"));

        Element root = svg.getDocumentElement();
        assertThat(root.getAttribute("role")).isEqualTo("img");
        Element title = (Element) root.getElementsByTagName("title").item(0);
        Element desc = (Element) root.getElementsByTagName("desc").item(0);
        assertThat(title.getTextContent()).isEqualTo("Tokens per day");
        assertThat(root.getAttribute("aria-labelledby")).isEqualTo(title.getAttribute("id"));
        assertThat(root.getAttribute("aria-describedby")).isEqualTo(desc.getAttribute("id"));
        assertThat(desc.getTextContent()).contains("2026-11-18 to 2026-11-20", "Total 2,000 tokens",
                "prompt_tokens · gpt-a 1,600", "Busiest day 2026-11-18 with 1,500 tokens");
        // one bar segment per non-zero day and series, coloured by series
        List<Element> bars = elements(svg, "g", "bars", "rect");
        assertThat(bars).hasSize(4);
        assertThat(bars).extracting(bar -> bar.getElementsByTagName("title").item(0).getTextContent())
                .contains("2026-11-18 prompt_tokens · gpt-a: 1,200", "2026-11-20 embedding_tokens: 100");
        assertThat(bars.stream().map(bar -> bar.getAttribute("fill")).distinct()).hasSize(3);
        // the legend names every series with its colour, in series order
        List<Element> legend = elements(svg, "g", "legend", "text");
        assertThat(legend).extracting(Element::getTextContent)
                .containsExactly("prompt_tokens · gpt-a", "completion_tokens · gpt-a", "embedding_tokens");
        assertThat(elements(svg, "g", "legend", "rect")).extracting(r -> r.getAttribute("fill"))
                .containsExactly(TokensPerDayChart.colour(0), TokensPerDayChart.colour(1), TokensPerDayChart.colour(2));
        // axes: y ticks up to a round maximum above the busiest day, day labels
        assertThat(elements(svg, "g", "y-axis", "text")).extracting(Element::getTextContent)
                .contains("0", "2000", "tokens");
        assertThat(elements(svg, "g", "x-axis", "text")).extracting(Element::getTextContent)
                .contains("11-18", "11-19", "11-20", "day (UTC)");
    }

    @Test
    void barsAreAsTallAsTheirShareOfTheAxis() throws Exception {
        TokensPerDay data = data(List.of(Map.of(PROMPT_A, 2000L), Map.of(PROMPT_A, 1000L)));

        List<Element> bars = elements(parse(TokensPerDayChart.svg(data, "t")), "g", "bars", "rect");

        assertThat(Double.parseDouble(bars.get(0).getAttribute("height"))).isEqualTo((double) TokensPerDayChart.PLOT_HEIGHT);
        assertThat(Double.parseDouble(bars.get(1).getAttribute("height")))
                .isEqualTo(TokensPerDayChart.PLOT_HEIGHT / 2.0);
    }

    @Test
    void escapesModelNamesAndTitles() throws Exception {
        UsageSeries odd = new UsageSeries(Meter.PROMPT_TOKENS, "<script>&\"x\"");
        String svg = TokensPerDayChart.svg(data(List.of(Map.of(odd, 5L))), "A & B <c>");

        assertThat(svg).doesNotContain("<script>").contains("&lt;script&gt;&amp;&quot;x&quot;", "A &amp; B &lt;c&gt;");
        assertThat(parse(svg).getElementsByTagName("title").item(0).getTextContent()).isEqualTo("A & B <c>");
    }

    @Test
    void anEmptyRangeSaysSoInsteadOfFailing() throws Exception {
        Document svg = parse(TokensPerDayChart.svg(data(List.of(Map.of(), Map.of())), "Tokens"));

        assertThat(svg.getElementsByTagName("desc").item(0).getTextContent()).endsWith("No usage in this range.");
        assertThat(elements(svg, "g", "bars", "rect")).isEmpty();
        assertThat(elements(svg, "g", "legend", "text")).extracting(Element::getTextContent)
                .containsExactly("No usage in this range.");
    }

    @Test
    void aRangeWithoutDaysIsStillAChart() throws Exception {
        Document svg = parse(TokensPerDayChart.svg(data(List.of()), "Tokens"));

        assertThat(svg.getElementsByTagName("desc").item(0).getTextContent()).contains("no days in the range");
        assertThat(elements(svg, "g", "bars", "rect")).isEmpty();
    }

    @Test
    void axisMaximaAreRoundAndReachTheBusiestDay() {
        assertThat(TokensPerDayChart.niceCeiling(0)).isEqualTo(4);
        assertThat(TokensPerDayChart.niceCeiling(3)).isEqualTo(4);
        assertThat(TokensPerDayChart.niceCeiling(1500)).isEqualTo(2000);
        assertThat(TokensPerDayChart.niceCeiling(2001)).isEqualTo(4000);
        assertThat(TokensPerDayChart.niceCeiling(123_456)).isEqualTo(200_000);
        assertThat(TokensPerDayChart.compact(2_500_000)).isEqualTo("2.5M");
    }

    @Test
    void thinsDayLabelsOnLongRanges() throws Exception {
        List<Map<UsageSeries, Long>> ninety = new java.util.ArrayList<>();
        for (int i = 0; i < 90; i++) {
            ninety.add(Map.of(PROMPT_A, (long) i + 1));
        }
        Document svg = parse(TokensPerDayChart.svg(data(ninety), "Tokens"));

        int labels = elements(svg, "g", "x-axis", "text").size() - 1;
        assertThat(labels).isBetween(10, 20);
    }

    @Test
    void drawsWithPresentationAttributesOnlyAsTheConsolesContentSecurityPolicyRequires() throws Exception {
        // the console's CSP (style-src 'self') ignores inline style attributes and <style> elements
        Document svg = parse(TokensPerDayChart.svg(data(List.of(Map.of(PROMPT_A, 1200L, EMBEDDING, 5L), Map.of())),
                "Tokens"));

        NodeList all = svg.getElementsByTagName("*");
        assertThat(all.getLength()).isGreaterThan(10);
        for (int i = 0; i < all.getLength(); i++) {
            Element element = (Element) all.item(i);
            assertThat(element.hasAttribute("style")).as("style attribute on <%s>", element.getTagName()).isFalse();
            assertThat(element.getTagName()).isNotEqualTo("style");
        }
        assertThat(elements(svg, "g", "bars", "rect")).allSatisfy(bar -> assertThat(bar.getAttribute("fill"))
                .startsWith("#"));
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** The {@code tag} elements inside the group of class {@code groupClass}. */
    private static List<Element> elements(Document svg, String group, String groupClass, String tag) {
        NodeList groups = svg.getElementsByTagName(group);
        for (int i = 0; i < groups.getLength(); i++) {
            Element g = (Element) groups.item(i);
            if (g.getAttribute("class").equals(groupClass)) {
                NodeList found = g.getElementsByTagName(tag);
                List<Element> result = new java.util.ArrayList<>();
                for (int j = 0; j < found.getLength(); j++) {
                    if (found.item(j).getParentNode() == g) {
                        result.add((Element) found.item(j));
                    }
                }
                return result;
            }
        }
        throw new AssertionError("no " + group + " of class " + groupClass);
    }
}
