package lang

import "testing"

func TestDetect(t *testing.T) {
	for _, tc := range []struct{ want, text string }{
		{"en", "Nato and Russia began tense negotiations on Wednesday aimed at bridging wide differences over Ukraine and the future of military alliances in Europe."},
		{"de", "Die Bundesregierung hat am Mittwoch beschlossen, dass die Förderung für Bioenergie in den nächsten Jahren schrittweise reduziert wird."},
		{"fr", "Le gouvernement a annoncé mercredi une nouvelle réforme des retraites qui sera présentée au Parlement dans les prochaines semaines."},
		{"es", "El gobierno anunció el miércoles que los trabajadores del puerto recibirán una compensación por las pérdidas sufridas durante la huelga."},
		{"it", "Il governo ha annunciato che le temperature sono in calo in tutta Italia e che è attesa la neve nelle prossime ore."},
		{"pt", "O governo anunciou que os trabalhadores do porto vão receber uma compensação pelas perdas sofridas durante a greve, segundo o ministro."},
		{"nl", "De regering heeft woensdag aangekondigd dat de steun voor bio-energie in de komende jaren stapsgewijs wordt verminderd."},
		{"pl", "Rząd ogłosił w środę, że wsparcie dla bioenergii będzie stopniowo ograniczane w najbliższych latach, ale nie jest to jeszcze przesądzone."},
		{"ru", "Правительство объявило в среду о новой реформе, которая будет представлена парламенту в ближайшие недели."},
		{"uk", "Уряд оголосив у середу про нову реформу, яка буде представлена парламенту найближчими тижнями, і це важливо."},
		{"ja", "子どもへの虐待をなくすための法律ができて、親が子どもを教育するために、体罰をしてはいけないことになりました。"},
		{"zh", "一个约定，信守15年，感人至深；一段真情，延续15年，催人泪下。"},
		{"ko", "엘제이와 류화영의 진흙탕 싸움을 공적인 사안으로 봐야 하는 이유가 있다."},
		{"bn", "আজ শনিবার সকাল সাড়ে ৭টার দিকে দৌলতপুর উপজেলার ফিলিপনগর গ্রামে এ ঘটনা ঘটে।"},
		{"ar", "أعلنت الحكومة يوم الأربعاء عن إصلاح جديد سيتم تقديمه إلى البرلمان في الأسابيع المقبلة."},
		{"el", "Η κυβέρνηση ανακοίνωσε την Τετάρτη μια νέα μεταρρύθμιση που θα παρουσιαστεί στη Βουλή."},
		{"", "OK"},
		{"", "12345 678"},
	} {
		if got := Detect(tc.text); got != tc.want {
			t.Errorf("Detect(%.40q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func FuzzDetect(f *testing.F) {
	f.Add("The quick brown fox")
	f.Fuzz(func(t *testing.T, s string) {
		if l := Detect(s); l != "" && len(l) != 2 {
			t.Fatalf("Detect(%q) = %q", s, l)
		}
	})
}
