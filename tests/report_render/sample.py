"""A sample Document with every block type, nasty characters, a long table and a wide one."""

from __future__ import annotations

import vl_convert as vlc

from crimeplan.report.document import BulletList, Cell, Contents, Document, Figure, Heading, PageBreak, Paragraph, Table

# Characters that mean something in Typst markup, HTML, Excel or Word fields.
NASTY = ('#set page(paper: "a5") $x^2$ *bold* _it_ @ref <lbl> [link] \\ back\\\\slash `code` ~ '
         '= // not a comment /* nor this */ {braces} & &amp; <b>tag</b> £€ – — “quotes” ‘single’ '
         'café naïve')
FORMULA = "=SUM(A1:A2)"

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="520" height="200" viewBox="0 0 520 200">'
    '<defs><clipPath id="clip1"><rect width="500" height="180"/></clipPath></defs>'
    '<rect width="520" height="200" fill="white"/>'
    '<g clip-path="url(#clip1)" transform="translate(10,10)">'
    '<polyline fill="none" stroke="#1f4e79" stroke-width="3" '
    'points="0,150 60,120 120,130 180,90 240,100 300,60 360,80 420,40 480,50"/>'
    '<line x1="0" x2="500" y1="95" y2="95" stroke="#222" stroke-dasharray="4 3"/></g>'
    '<text x="20" y="195" font-family="sans-serif" font-size="12" fill="#333">Q1 2019/20 to Q1 2023/24</text>'
    "</svg>"
)
ICON = ('<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28" viewBox="0 0 28 28" role="img" '
        'aria-label="Special cause improving variation (low)"><title>Special cause improving variation (low)</title>'
        '<circle cx="14" cy="14" r="12" fill="white" stroke="#289de0" stroke-width="3"/></svg>')

SPARK = ('<svg xmlns="http://www.w3.org/2000/svg" width="90" height="24" viewBox="0 0 90 24" role="img" '
         'aria-label="trend of the last 12 points"><defs><clipPath id="clip1">'
         '<rect width="90" height="24"/></clipPath></defs>'
         '<polyline clip-path="url(#clip1)" fill="none" stroke="#1f4e79" stroke-width="1.5" '
         'points="3,20 10,18 18,15 26,16 34,12 42,13 50,9 58,10 66,7 74,8 82,4 87,5"/></svg>')

MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def num(value: float, decimals: int = 0, **kw) -> Cell:
    """A figure cell: text printed as the builders print it, value and Excel format beside it."""
    text = f"{value:,.{decimals}f}"
    fmt = "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
    return Cell(text, value=value, number_format=fmt, **kw)


def sample_document(long_rows: int = 300) -> Document:
    notes = [
        "Crime Severity Scores (ONS) weigh each crime by its 'relative harm'; data to March 2023 only.",
        "Confidence data arrive a month after the quarter ends. " + NASTY,
        "Definitions changed in May 2023 (Home Office Counting Rules).",
    ]
    perf = Table(
        name="Performance: 12 months [to] March?",
        header=["Indicator", "12 months to Mar 2022", "12 months to Mar 2023", "Difference", "% difference",
                "Further info", "Trend"],
        rows=[
            [Cell("All crime", footnotes=[3]), num(171234, measure_id="all_crime", field="previous"),
             num(165987, measure_id="all_crime", field="current"),
             num(-5247, measure_id="all_crime", field="difference", style="better"),
             num(-3.1, 1, measure_id="all_crime", field="pct_change", style="better"), Cell(""),
             Cell("", svg=SPARK, png=None, field="sparkline")],
            [Cell("Crime severity score"), num(14.21, 2, measure_id="css", field="previous", footnotes=[1]),
             num(14.87, 2, measure_id="css", field="current"),
             num(0.66, 2, measure_id="css", field="difference", style="worse"),
             num(4.6, 1, measure_id="css", field="pct_change", style="worse"), Cell("Trend up", style="muted"),
             Cell("12 quarters", svg=SPARK, png=vlc.svg_to_png(SPARK, scale=3), field="sparkline")],
            [Cell(NASTY), num(1000000, measure_id="nasty", field="previous"),
             Cell("N/A", measure_id="nasty", field="current"), Cell("-", style="muted"), Cell("-"),
             Cell(FORMULA), Cell("")],
            [Cell("Total", style="strong"), num(1171234, style="strong"), num(165987, style="strong"),
             Cell(""), Cell(""), Cell("00123"), Cell("")],
        ],
        caption="Table 1: Performance " + NASTY,
    )
    commitments = Table(
        name="We will",
        header=["We will", "Commentary", "Who"],
        rows=[[Cell("Deliver over 300 more officers on top of the 500 additional officers delivered since 2016."),
               Cell("Recruitment marketing via 'We Value Difference' remains a top campaign priority. " * 6),
               Cell("Media & Communications")],
              [Cell("Support the use of Serious Violence Reduction Orders."),
               Cell("No commentary supplied for this quarter.", style="muted"), Cell("SCD/SVU")]],
        widths=[3, 6, 1.5],
    )
    long = Table(
        name="Monthly crimes by district and month, 2016 onwards",  # > 31 characters
        header=["Month", "District", "Crimes", "Rate per 1,000"],
        rows=[[Cell(f"{2016 + i // 12}-{i % 12 + 1:02d}"), Cell(f"District {i % 12 + 1}"),
               num(1000 + (i * 37) % 900, measure_id="all_crime", field=f"m{i}"),
               num(round(5 + ((i * 13) % 70) / 10, 1), 1, measure_id="all_crime_rate", field=f"m{i}")]
              for i in range(long_rows)],
        caption="Table 3: Monthly crimes (long table: the header repeats on every page)",
    )
    wide = Table(
        name="Sickness",
        header=["Financial Year", *MONTHS, "Financial Year ", *[m + " " for m in MONTHS]],
        rows=[[Cell(f"{y}/{y + 1}"), *[num(4 + ((y * 7 + k) % 50) / 10, 2) for k in range(12)],
               Cell(f"{y}/{y + 1}"), *[num(3 + ((y * 5 + k) % 40) / 10, 2) for k in range(12)]]
              for y in range(2015, 2024)],
        caption="Sickness - average hours lost per person (officers | staff)",
    )
    png = vlc.svg_to_png(SVG, scale=2)
    blocks = [
        Contents(),
        PageBreak(),
        Heading("Priority 1 – Further investment in crime prevention", 1, anchor="Priority_1"),
        Paragraph("Our objective is to invest in activities that prevent crime from happening.", style="lead"),
        BulletList([("Significant downward trend in anti-social behaviour.", []),
                    ("The All Crime Harm score¹ shows a slight increase.", [1]),
                    (NASTY, [2, 3])], title="Key Points"),
        Figure(SVG, png, "Figure 1: Anti-social behaviour, Q1 2019/20 to Q1 2023/24, with the mean and process limits",
               icon_svg=ICON, alt="Line chart of anti-social behaviour by quarter, falling since 2021/22 Q3."),
        perf,
        Paragraph("A paragraph with a footnote and nasty text: " + NASTY, footnotes=[2]),
        Paragraph("A small note.", style="note"),
        Heading("Commitments " + NASTY, 2),
        commitments,
        PageBreak(),
        Heading("Priority 2 – Reducing drug driven violence", 1, anchor="Priority_2"),
        Figure(SVG, None, "Figure 2: the same chart, PNG made from the SVG by the renderer"),
        long,
        Heading("Priority 11 – Supporting our officers and staff", 1),
        wide,
        Heading(NASTY, 1),
        Paragraph("Last words.", style="small"),
    ]
    return Document(
        title="Police and Crime Plan 2021-2024 " + "#1 <plan>",
        subtitle="Quarterly Update: Q1 2023/24",
        metadata=[("Date", "14 July 2023"), ("Data to", "June 2023"), ("Version No", "1.0"),
                  ("Unit", "Performance Analysis Unit"), ("Author", "A. Analyst"),
                  ("Document Owner", "B. Owner"), ("Sensitivity", "OFFICIAL")],
        blocks=blocks,
        footnotes=notes,
        sensitivity="OFFICIAL",
        attribution="Contains public sector information licensed under the Open Government Licence v3.0.",
    )
