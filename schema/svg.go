package schema

import (
	"fmt"
	"html"
	"strings"
)

// SVG layout constants (pixels).
const (
	svgCols      = 5
	svgBoxWidth  = 290
	svgRowHeight = 15
	svgGapX      = 90
	svgGapY      = 50
	svgMargin    = 30
	svgHeaderH   = 22
)

// SVG renders the entity-relationship diagram as a self-contained SVG image:
// the tables on a grid in declaration order (name, tenancy and columns, key
// columns marked) and one line per foreign key from the column's row to the
// referenced table. Deterministic, no fonts or scripts loaded.
func (s *Schema) SVG() string {
	type box struct {
		x, y, h int
	}
	boxes := map[string]box{}
	rowHeights := []int{}
	for i, t := range s.Tables {
		r := i / svgCols
		h := svgHeaderH + svgRowHeight*len(t.Columns) + 6
		if r >= len(rowHeights) {
			rowHeights = append(rowHeights, 0)
		}
		rowHeights[r] = max(rowHeights[r], h)
	}
	rowY := make([]int, len(rowHeights))
	y := svgMargin + 20
	for r, h := range rowHeights {
		rowY[r] = y
		y += h + svgGapY
	}
	width := svgMargin*2 + svgCols*svgBoxWidth + (svgCols-1)*svgGapX
	height := y - svgGapY + svgMargin
	for i, t := range s.Tables {
		boxes[t.Name] = box{
			x: svgMargin + (i%svgCols)*(svgBoxWidth+svgGapX),
			y: rowY[i/svgCols],
			h: svgHeaderH + svgRowHeight*len(t.Columns) + 6,
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<!-- %s -->
<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="11">
<desc>Refresh with: %s</desc>
<rect width="100%%" height="100%%" fill="#ffffff"/>
<text x="%d" y="%d" font-size="16" font-weight="bold">%s schema: %d tables (blue: organization-scoped, RLS; grey: global)</text>
`, GeneratedHeader, width, height, width, height, html.EscapeString(DiagramCommand), svgMargin, svgMargin+4, html.EscapeString(s.Name), len(s.Tables))

	// Foreign key lines first, so the boxes are drawn over them.
	b.WriteString(`<g stroke="#8a8a8a" stroke-width="1" fill="none" opacity="0.55">` + "\n")
	for _, t := range s.Tables {
		src := boxes[t.Name]
		for ci, c := range t.Columns {
			if c.Ref == nil {
				continue
			}
			dst, ok := boxes[c.Ref.Table]
			if !ok {
				continue // a table of the base schema
			}
			sy := src.y + svgHeaderH + ci*svgRowHeight + svgRowHeight/2
			dy := dst.y + svgHeaderH/2
			sx, dx := src.x+svgBoxWidth, dst.x
			if dst.x+svgBoxWidth/2 < src.x+svgBoxWidth/2 {
				sx, dx = src.x, dst.x+svgBoxWidth
			} else if dst.x == src.x {
				sx, dx = src.x+svgBoxWidth, dst.x+svgBoxWidth
			}
			mid := (sx + dx) / 2
			if dst.x == src.x {
				mid = sx + svgGapX/2
			}
			fmt.Fprintf(&b, `<path d="M%d %d C%d %d %d %d %d %d"/>`+"\n", sx, sy, mid, sy, mid, dy, dx, dy)
		}
	}
	b.WriteString("</g>\n")

	for _, t := range s.Tables {
		bx := boxes[t.Name]
		fill := "#eeeeee"
		if t.Tenancy != Global {
			fill = "#dbe8f7"
		}
		fmt.Fprintf(&b, `<g transform="translate(%d %d)">`+"\n", bx.x, bx.y)
		fmt.Fprintf(&b, `<rect width="%d" height="%d" rx="4" fill="#ffffff" stroke="#444444"/>`+"\n", svgBoxWidth, bx.h)
		fmt.Fprintf(&b, `<rect width="%d" height="%d" rx="4" fill="%s" stroke="#444444"/>`+"\n", svgBoxWidth, svgHeaderH, fill)
		title := t.Name
		if t.BetterAuthModel != "" {
			title += " (" + t.BetterAuthModel + ")"
		}
		fmt.Fprintf(&b, `<text x="6" y="15" font-weight="bold">%s</text>`+"\n", html.EscapeString(title))
		for i, c := range t.Columns {
			ry := svgHeaderH + i*svgRowHeight + 12
			mark := ""
			switch {
			case c.Name == ColRowID:
				mark = "PK "
			case c.Ref != nil:
				mark = "FK "
			case c.Unique:
				mark = "UK "
			}
			color := "#222222"
			if c.Global {
				color = "#888888"
			}
			name := mark + c.Name
			if !c.NotNull {
				name += "?"
			}
			fmt.Fprintf(&b, `<text x="6" y="%d" fill="%s">%s</text>`, ry, color, html.EscapeString(name))
			typ := string(c.Type)
			if c.Enum != nil {
				typ = "enum"
			}
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#666666" text-anchor="end">%s</text>`+"\n", svgBoxWidth-6, ry, html.EscapeString(typ))
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
	return b.String()
}
