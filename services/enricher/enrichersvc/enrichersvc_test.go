package enrichersvc_test

import (
	"flag"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/enrichersvc"
)

func TestEntityMemoryOptions(t *testing.T) {
	o := enrichersvc.DefaultOptions()
	if err := o.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	fs := flag.NewFlagSet("enricher", flag.ContinueOnError)
	o.RegisterFlags(fs)
	if err := fs.Parse([]string{"-entity-memory", "local", "-entity-max", "1000"}); err != nil {
		t.Fatal(err)
	}
	if o.EntityMemory != "local" || o.EntityMax != 1000 || o.Validate() != nil {
		t.Errorf("after flags: %+v, %v", o, o.Validate())
	}
	for _, bad := range []func(*enrichersvc.Options){
		func(o *enrichersvc.Options) { o.EntityMemory = "redis" },
		func(o *enrichersvc.Options) { o.EntityBucket = "" },
		func(o *enrichersvc.Options) { o.EntityMaxBytes = 10 },
		func(o *enrichersvc.Options) { o.EntityMemory, o.EntityMax = "local", 0 },
	} {
		o := enrichersvc.DefaultOptions()
		bad(&o)
		if err := o.Validate(); err == nil || !strings.Contains(err.Error(), "entity") {
			t.Errorf("%+v: error %v, want one naming the entity setting", o, err)
		}
	}
}
