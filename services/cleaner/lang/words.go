package lang

import "strings"

// languages lists the Latin-script languages byWords tells apart, each
// with common function words that are rare in the others.
var languages = []struct {
	code  string
	words string
}{
	{"en", "the and of to in is that for it was with as on be at by this have from are not but had his they you which were their has been would will there who said its what about when into after"},
	{"de", "der die und das ist nicht ein eine den dem des zu mit sich auf für von auch im es wird sind wurde bei nach aus wie oder aber noch nur über wenn werden hat durch"},
	{"fr", "le la les des est et une un du que qui dans pour pas sur au avec il elle sont ce cette plus par ne se été aux ont mais ou leur nous vous comme"},
	{"es", "el los las del que y en una por con para es se al lo como más pero sus le ya fue este esta entre cuando también ha muy sin sobre hay ser"},
	{"it", "il di che è per una gli del della con non sono si le da anche alla nel nella più come ma dei delle questo ha essere stato ci"},
	{"pt", "o os as do da dos das que em um uma para com não é se por mais na no foi ao como mas seu sua também são ele ela pelo pela entre"},
	{"nl", "de het een van en is dat op te zijn voor met niet aan er ook als bij door wordt werd maar om nog naar dan worden hij zij deze"},
	{"pl", "i w na z się nie do że to jest o jak po przez jego za od ale tak jej czy przy oraz są być który która które już tylko także"},
	{"sv", "och att det som en är på av för med till den inte har om ett var jag han men från ska kan de sig också vid eller efter"},
	{"da", "og at det er en til på af med for ikke der som har den de var jeg han fra kan vil skal også eller efter blev være"},
	{"no", "og at det er en til på av med for ikke som har den de var jeg han fra kan vil skal også eller etter ble være ikkje hun"},
	{"fi", "ja on että ei se oli ovat myös kuin mutta tai hän joka sen kun niin vain ole tämä olla mukaan jälkeen"},
	{"cs", "a se na je že v to s z do o jsou jako by ale pro k jeho které který bylo jsem také nebo podle"},
	{"sk", "a sa na je že v to s z do o sú ako by ale pre k jeho ktoré ktorý bolo som tiež alebo podľa"},
	{"tr", "ve bir bu da de ile için olan olarak daha çok en gibi ama sonra kadar ancak değil var ise şu her"},
	{"ro", "și în de la cu un o pe care este să nu mai din ce pentru sunt fost sau dar acest această după"},
	{"hu", "a az és hogy nem is egy van volt meg de csak ez már mint el ki fel vagy után még szerint"},
	{"id", "yang dan di dari ini itu dengan untuk tidak dalam akan pada juga ke ada oleh karena atau mereka sudah bisa"},
	{"vi", "và của là có các được trong cho không người những một với này đã đến khi để từ cũng như"},
	{"hr", "i je u se na da su za od s koji to ne kao iz ali što će bi ili koja biti"},
	{"ca", "el la els les de i que en un una per amb no és es del al com però més va ha"},
}

// wordIndex maps each function word to the languages listing it.
var wordIndex = map[string][]int{}

func init() {
	for i, l := range languages {
		for _, w := range strings.Fields(l.words) {
			wordIndex[w] = append(wordIndex[w], i)
		}
	}
}
