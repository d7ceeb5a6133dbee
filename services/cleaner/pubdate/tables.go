package pubdate

// months maps month names and abbreviations, lower-cased, to numbers:
// English, German, French, Spanish, Italian, Portuguese, Dutch, Polish.
var months = map[string]int{}

func init() {
	for i, names := range [12][]string{
		{"january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "gen", "janeiro", "januari", "stycznia", "styczeń"},
		{"february", "feb", "februar", "feber", "février", "févr", "fevrier", "febrero", "febbraio", "fevereiro", "fev", "februari", "lutego", "luty"},
		{"march", "mar", "märz", "maerz", "mars", "marzo", "março", "marco", "maart", "mrz", "marca", "marzec"},
		{"april", "apr", "avril", "avr", "abril", "abr", "aprile", "kwietnia", "kwiecień"},
		{"may", "mai", "mayo", "maggio", "mag", "maio", "mei", "maja", "maj"},
		{"june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho", "czerwca", "czerwiec"},
		{"july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "lipca", "lipiec"},
		{"august", "aug", "août", "aout", "agosto", "ago", "augustus", "sierpnia", "sierpień"},
		{"september", "sep", "sept", "septembre", "septiembre", "set", "settembre", "setembro", "września", "wrzesień"},
		{"october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out", "października", "październik"},
		{"november", "nov", "novembre", "noviembre", "novembro", "listopada", "listopad"},
		{"december", "dec", "dezember", "dez", "décembre", "déc", "decembre", "diciembre", "dic", "dicembre", "dezembro", "grudnia", "grudzień"},
	} {
		for _, n := range names {
			months[n] = i + 1
		}
	}
}

var weekdays = map[string]bool{
	"monday": true, "mon": true, "tuesday": true, "tue": true, "tues": true, "wednesday": true, "wed": true,
	"thursday": true, "thu": true, "thur": true, "thurs": true, "friday": true, "fri": true,
	"saturday": true, "sat": true, "sunday": true, "sun": true,
	"montag": true, "mo": true, "dienstag": true, "di": true, "mittwoch": true, "mi": true, "donnerstag": true,
	"do": true, "freitag": true, "fr": true, "samstag": true, "sa": true, "sonntag": true, "so": true,
	"lundi": true, "mardi": true, "mercredi": true, "jeudi": true, "vendredi": true, "samedi": true, "dimanche": true,
	"lunes": true, "martes": true, "miércoles": true, "jueves": true, "viernes": true, "sábado": true, "domingo": true,
	"lunedì": true, "martedì": true, "mercoledì": true, "giovedì": true, "venerdì": true, "sabato": true, "domenica": true,
}

// zones maps common zone abbreviations to seconds east of UTC.
var zones = map[string]int{
	"z": 0, "gmt": 0, "utc": 0, "ut": 0, "wet": 0,
	"bst": 3600, "ist": 19800, "cet": 3600, "mez": 3600, "cest": 7200, "mesz": 7200, "eet": 7200, "eest": 10800,
	"msk": 10800, "est": -5 * 3600, "edt": -4 * 3600, "cst": -6 * 3600, "cdt": -5 * 3600, "mst": -7 * 3600,
	"mdt": -6 * 3600, "pst": -8 * 3600, "pdt": -7 * 3600, "akst": -9 * 3600, "akdt": -8 * 3600, "hst": -10 * 3600,
	"jst": 9 * 3600, "kst": 9 * 3600, "hkt": 8 * 3600, "sgt": 8 * 3600, "aest": 10 * 3600, "aedt": 11 * 3600,
	"acst": 34200, "awst": 8 * 3600, "nzst": 12 * 3600, "nzdt": 13 * 3600, "brt": -3 * 3600, "art": -3 * 3600,
}
